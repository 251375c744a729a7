"""SPDY/3.1 framing, the server's side: what ``kubectl port-forward`` speaks inside its WebSocket tunnel.

kubectl 1.31 on opens the tunnel as a WebSocket (subprotocol ``SPDY/3.1+portforward.k8s.io``) and writes the
bytes of a SPDY session in binary messages (client-go's ``TunnelingConnection``); the session's frames are those of
the SPDY/3 draft that ``moby/spdystream`` implements. A frame is 8 bytes of header and a payload:

* data: ``0 | stream id (31 bits)``, ``flags (8) | length (24)``, the bytes;
* control: ``1 | version (15) | type (16)``, ``flags (8) | length (24)``, the type's fields.

Header blocks (in SYN_STREAM, SYN_REPLY, HEADERS) are ``count, (length, name, length, value)...`` with 32-bit
big-endian lengths, compressed by one zlib stream per direction that starts from the draft's dictionary and is
flushed (Z_SYNC_FLUSH) after each block. Python's ``zlib`` does the compression; this module only frames.

Simplification: no flow control (WINDOW_UPDATE is read and ignored; a forwarded answer is small) and no SETTINGS
are sent.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

VERSION = 3
SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE = 1, 2, 3, 4, 6, 7, 8, 9
FLAG_FIN = 0x01
PROTOCOL_ERROR, CANCEL = 1, 5  # RST_STREAM status codes
MAX_FRAME = 1 << 24  # a frame's length field has 24 bits
MAX_HEADER_BLOCK = 1 << 20  # decompressed: a few hundred bytes in practice; more is a zlib bomb, not headers


def _dictionary() -> bytes:
    """The header compression dictionary of the SPDY/3 draft (section 2.6.10.1): length-prefixed header names and
    values, then status lines, dates and common values run together."""
    words = (
        "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset", "accept-encoding",
        "accept-language", "accept-ranges", "age", "allow", "authorization", "cache-control", "connection",
        "content-base", "content-encoding", "content-language", "content-length", "content-location", "content-md5",
        "content-range", "content-type", "date", "etag", "expect", "expires", "from", "host", "if-match",
        "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "last-modified", "location",
        "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization", "range", "referer", "retry-after",
        "server", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "vary", "via", "warning",
        "www-authenticate", "method", "get", "status", "200 OK", "version", "HTTP/1.1", "url", "public",
        "set-cookie", "keep-alive", "origin",
    )
    tail = (
        "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
        "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized"
        "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable"
        "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT"
        "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,"
        "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0."
    )
    return b"".join(struct.pack(">I", len(w)) + w.encode() for w in words) + tail.encode()


DICTIONARY = _dictionary()


class SpdyError(Exception):
    """The peer sent something that is not SPDY/3 (the session ends with GOAWAY)."""


@dataclass(frozen=True)
class Frame:
    """One frame: ``kind`` is "data" or a control type (SYN_STREAM ...); ``stream`` is 0 for session frames."""

    kind: int | str
    stream: int
    flags: int = 0
    data: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    value: int = 0  # PING's id, RST_STREAM's and GOAWAY's status

    @property
    def fin(self) -> bool:
        return bool(self.flags & FLAG_FIN)


class Framer:
    """Frames in (``feed`` the session's bytes as they arrive) and out (bytes to send), with the two header
    compression contexts a session keeps."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._inflate = zlib.decompressobj(zdict=DICTIONARY)
        self._deflate = zlib.compressobj(zdict=DICTIONARY)

    # -- reading ------------------------------------------------------------------------------------------------------
    def feed(self, data: bytes) -> list[Frame]:
        """Every frame complete so far; a partial one waits for the rest."""
        self._buffer += data
        frames: list[Frame] = []
        while len(self._buffer) >= 8:
            first, second = struct.unpack_from(">II", self._buffer)
            length = second & 0xFFFFFF
            if len(self._buffer) < 8 + length:
                break
            payload = bytes(self._buffer[8:8 + length])
            del self._buffer[:8 + length]
            flags = second >> 24
            if not first & 0x80000000:
                frames.append(Frame("data", first & 0x7FFFFFFF, flags, payload))
                continue
            version, kind = (first >> 16) & 0x7FFF, first & 0xFFFF
            if version != VERSION:
                raise SpdyError(f"unsupported SPDY version {version}")
            frames.append(self._control(kind, flags, payload))
        return frames

    def _control(self, kind: int, flags: int, payload: bytes) -> Frame:
        try:
            if kind == SYN_STREAM:
                stream = struct.unpack_from(">I", payload)[0] & 0x7FFFFFFF
                return Frame(kind, stream, flags, headers=self._headers(payload[10:]))
            if kind in (SYN_REPLY, HEADERS):
                stream = struct.unpack_from(">I", payload)[0] & 0x7FFFFFFF
                return Frame(kind, stream, flags, headers=self._headers(payload[4:]))
            if kind in (RST_STREAM, GOAWAY):
                stream, status = struct.unpack_from(">II", payload)
                return Frame(kind, stream & 0x7FFFFFFF, flags, value=status)
            if kind == PING:
                return Frame(kind, 0, flags, value=struct.unpack_from(">I", payload)[0])
            if kind == WINDOW_UPDATE:
                stream, delta = struct.unpack_from(">II", payload)
                return Frame(kind, stream & 0x7FFFFFFF, flags, value=delta & 0x7FFFFFFF)
        except SpdyError:
            raise
        except (struct.error, zlib.error, UnicodeDecodeError) as err:
            raise SpdyError(f"invalid control frame of type {kind}: {err}") from err
        return Frame(kind, 0, flags, payload)  # SETTINGS and unknown types: nothing to act on

    def _headers(self, block: bytes) -> dict[str, str]:
        raw = self._inflate.decompress(block, MAX_HEADER_BLOCK)
        if self._inflate.unconsumed_tail:
            raise SpdyError(f"a header block of more than {MAX_HEADER_BLOCK} bytes")
        (count,), offset = struct.unpack_from(">I", raw), 4
        headers: dict[str, str] = {}
        for _ in range(count):
            pair: list[str] = []
            for _ in range(2):
                (size,) = struct.unpack_from(">I", raw, offset)
                pair.append(raw[offset + 4:offset + 4 + size].decode())
                offset += 4 + size
            headers[pair[0]] = pair[1]  # several values of one name are joined by NUL bytes; kubectl sends one
        return headers

    # -- writing ------------------------------------------------------------------------------------------------------
    def _header_block(self, headers: dict[str, str]) -> bytes:
        raw = struct.pack(">I", len(headers)) + b"".join(
            struct.pack(">I", len(k)) + k.encode() + struct.pack(">I", len(v.encode())) + v.encode()
            for k, v in headers.items()
        )
        return self._deflate.compress(raw) + self._deflate.flush(zlib.Z_SYNC_FLUSH)

    @staticmethod
    def _control_frame(kind: int, flags: int, payload: bytes) -> bytes:
        return struct.pack(">HHI", 0x8000 | VERSION, kind, (flags << 24) | len(payload)) + payload

    def syn_stream(self, stream: int, headers: dict[str, str], fin: bool = False) -> bytes:
        """What a client sends to open a stream (tests play kubectl with it)."""
        payload = struct.pack(">IIH", stream, 0, 0) + self._header_block(headers)
        return self._control_frame(SYN_STREAM, FLAG_FIN if fin else 0, payload)

    def syn_reply(self, stream: int, headers: dict[str, str] | None = None, fin: bool = False) -> bytes:
        payload = struct.pack(">I", stream) + self._header_block(headers or {})
        return self._control_frame(SYN_REPLY, FLAG_FIN if fin else 0, payload)

    def rst_stream(self, stream: int, status: int) -> bytes:
        return self._control_frame(RST_STREAM, 0, struct.pack(">II", stream, status))

    def ping(self, ping_id: int) -> bytes:
        return self._control_frame(PING, 0, struct.pack(">I", ping_id))

    def goaway(self, last_stream: int, status: int = 0) -> bytes:
        return self._control_frame(GOAWAY, 0, struct.pack(">II", last_stream, status))

    @staticmethod
    def data(stream: int, payload: bytes, fin: bool = False) -> bytes:
        """One data frame per 16 MiB - 1 (the length field's limit); the last carries FIN."""
        chunks = [payload[i:i + MAX_FRAME - 1] for i in range(0, len(payload), MAX_FRAME - 1)] or [b""]
        return b"".join(
            struct.pack(">II", stream, ((FLAG_FIN if fin and i == len(chunks) - 1 else 0) << 24) | len(chunk)) + chunk
            for i, chunk in enumerate(chunks)
        )
