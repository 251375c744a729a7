"""SPDY/3.1 framing: frames come out as they went in, whatever the chunks the tunnel delivers them in."""

from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubetui.http import spdy


def test_the_dictionary_is_the_drafts() -> None:
    """Its Adler-32 is the DICTID a SPDY/3 peer's zlib stream names (0xe3c6a7c2); a wrong byte breaks every header."""
    assert zlib.adler32(spdy.DICTIONARY) == 0xE3C6A7C2 and len(spdy.DICTIONARY) == 1423


def test_a_stream_opened_by_kubectl_is_read_with_its_headers() -> None:
    client, server = spdy.Framer(), spdy.Framer()
    wire = client.syn_stream(1, {"streamtype": "error", "port": "80", "requestid": "0"})
    wire += client.syn_stream(3, {"streamtype": "data", "port": "80", "requestid": "0"})  # the shared zlib context
    wire += client.data(3, b"GET / HTTP/1.1\r\n\r\n", fin=True) + client.ping(7)
    frames = server.feed(wire)
    assert [(f.kind, f.stream) for f in frames] == [(spdy.SYN_STREAM, 1), (spdy.SYN_STREAM, 3), ("data", 3),
                                                      (spdy.PING, 0)]
    assert frames[1].headers == {"streamtype": "data", "port": "80", "requestid": "0"}
    assert frames[2].fin and frames[2].data == b"GET / HTTP/1.1\r\n\r\n" and frames[3].value == 7


def test_replies_resets_and_goaway_read_back() -> None:
    server, client = spdy.Framer(), spdy.Framer()
    wire = server.syn_reply(1) + server.syn_reply(3, {"x": "y"}) + server.rst_stream(5, spdy.CANCEL) + server.goaway(5)
    frames = client.feed(wire)
    assert [(f.kind, f.stream, f.headers, f.value) for f in frames] == [
        (spdy.SYN_REPLY, 1, {}, 0), (spdy.SYN_REPLY, 3, {"x": "y"}, 0), (spdy.RST_STREAM, 5, {}, spdy.CANCEL),
        (spdy.GOAWAY, 5, {}, 0)]


def test_another_version_or_a_broken_header_block_is_an_error() -> None:
    with pytest.raises(spdy.SpdyError, match="version 2"):
        spdy.Framer().feed(struct.pack(">HHI", 0x8002, spdy.PING, 4) + b"\0\0\0\1")
    broken = struct.pack(">HHI", 0x8003, spdy.SYN_STREAM, 14) + struct.pack(">IIH", 1, 0, 0) + b"nope"
    with pytest.raises(spdy.SpdyError, match="invalid control frame"):
        spdy.Framer().feed(broken)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=6), st.data())
def test_frames_survive_any_chunking(payloads: list[bytes], data: st.DataObject) -> None:
    client = spdy.Framer()
    wire = client.syn_stream(1, {"streamtype": "data", "port": "8080", "requestid": "1"})
    wire += b"".join(client.data(1, p, fin=i == len(payloads) - 1) for i, p in enumerate(payloads))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=8)))
    server, frames = spdy.Framer(), []
    for start, end in zip([0, *cuts], [*cuts, len(wire)], strict=True):
        frames += server.feed(wire[start:end])
    assert frames[0].headers["port"] == "8080"
    assert [f.data for f in frames[1:]] == payloads


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([0x0000, 0x8003]))
def test_random_bytes_are_frames_or_a_spdy_error(noise: bytes, first: int) -> None:
    """Whatever a client sends, the framer answers with frames or SpdyError, which ends the session with GOAWAY."""
    framer = spdy.Framer()
    for kind in (spdy.SYN_STREAM, spdy.SYN_REPLY, spdy.RST_STREAM, spdy.PING, spdy.WINDOW_UPDATE, 42):
        header = struct.pack(">HHI", first, kind, len(noise)) if first else struct.pack(">II", 1, len(noise))
        try:
            framer.feed(header + noise)
        except spdy.SpdyError:
            framer = spdy.Framer()


def test_a_header_block_that_inflates_past_a_mebibyte_is_refused() -> None:
    bomb = spdy.Framer().syn_stream(1, {"x": "a" * (2 << 20)})
    assert len(bomb) < 10_000
    with pytest.raises(spdy.SpdyError, match="header block of more than"):
        spdy.Framer().feed(bomb)
