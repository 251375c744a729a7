"""Finding and reading the manifest files: every entry either read as text or set aside with a reason.

A sync's input is a snapshot ``{relative path: text}``. What cannot be read is still in it, as
:data:`UNREADABLE` followed by why, so it shows up as that file's error (and the objects last
applied from it are kept) instead of silently disappearing, which would prune them. Nothing here
ever opens a file for writing.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 3 * 1024 * 1024  # the API server's request limit
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
UNREADABLE = "\x00"  # a snapshot entry starting with this holds why the file could not be read
_BOMS_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def is_manifest(path: Path, root: Path) -> bool:
    """YAML/JSON files, skipping hidden files and folders and editor swap/backup files."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    if any(part.startswith(".") for part in parts):
        return False
    name = path.name
    if name.endswith("~") or (name.startswith("#") and name.endswith("#")):
        return False
    return name.lower().endswith(MANIFEST_SUFFIXES)


def snapshot(root: Path) -> dict[str, str]:
    """Every manifest file's text (or UNREADABLE and why) by path relative to ``root``.

    A folder named like a manifest (``web.yaml/``) is just a folder: the files in it are read.
    """
    entries: dict[str, str] = {}
    if not root.is_dir():
        return entries

    def unlistable(err: OSError) -> None:
        if err.errno not in (errno.ENOENT, errno.ENOTDIR):  # a folder deleted while listing is simply gone
            where = Path(err.filename or root)
            entries[_relative(where, root)] = f"{UNREADABLE}cannot list this folder: {err.strerror or err}"

    for dirpath, dirnames, filenames in os.walk(root, onerror=unlistable):
        base = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in list(dirnames):
            if (base / name).is_symlink():  # os.walk does not follow it; say so rather than skip it silently
                dirnames.remove(name)
                entries[_relative(base / name, root)] = (
                    f"{UNREADABLE}a symlink to a folder is not followed: "
                    "put the files (or symlinks to files) in the manifest folder itself"
                )
        for name in filenames:
            path = base / name
            if not is_manifest(path, root):
                continue
            relative = _relative(path, root)
            if not _is_utf8(relative):  # shown, traced and recorded as text: it must be valid UTF-8
                entries[displayable(relative)] = f"{UNREADABLE}the file name is not UTF-8 text: rename the file"
                continue
            entries[relative] = read_text(path, root)
    return dict(sorted(entries.items()))


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # os.walk hands undecodable bytes over as lone surrogates
        return False
    return True


def displayable(name: str) -> str:
    """A file name that is not UTF-8, with its odd bytes written out (``bad\\xffname.yaml``)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_text(path: Path, root: Path | None = None) -> str:
    """The file's text, or UNREADABLE followed by the reason; never raises, never blocks on a pipe."""
    problem = _link_problem(path, root) if root is not None else ""
    if problem:
        return UNREADABLE + problem
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return UNREADABLE + _os_reason(exc)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return f"{UNREADABLE}not a regular file (a pipe, socket or device): not read"
        if info.st_size > MAX_FILE_BYTES:
            return f"{UNREADABLE}file is {info.st_size} bytes; the limit is {MAX_FILE_BYTES}"
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return UNREADABLE + _os_reason(exc)
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:  # grew while being read
        return f"{UNREADABLE}file is over {MAX_FILE_BYTES} bytes, the limit"
    return decode(data)


def decode(data: bytes) -> str:
    """Text as kubectl reads it: UTF-8, or UTF-16 with a byte order mark; a UTF-8 BOM is dropped.

    Line breaks are normalized to ``\\n`` so YAML and JSON count lines alike.
    """
    try:
        text = data.decode("utf-16") if data.startswith(_BOMS_UTF16) else data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return f"{UNREADABLE}not UTF-8 text: {exc.reason} at byte {exc.start} (line {line})"
    nul = text.find("\x00")
    if nul >= 0:  # neither YAML nor JSON allows it: a binary file
        line = text.count("\n", 0, nul) + 1
        return f"{UNREADABLE}binary data, not YAML or JSON text: a NUL character on line {line}"
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _link_problem(path: Path, root: Path) -> str:
    """Why a symlink is not read ('' when it is not one, or points to a file inside the folder)."""
    if not path.is_symlink():
        return ""
    target = os.readlink(path)
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        return f"broken symlink to {target}: nothing to read"
    except (OSError, RuntimeError):
        return f"symlink to {target} loops: nothing to read"
    if not resolved.is_relative_to(root.resolve()):
        return (
            f"symlink to {resolved}, outside the manifest folder: not read "
            "(only the folder is watched, so edits to it would be missed)"
        )
    if resolved.is_file() and is_manifest(resolved, root.resolve()):
        # its objects would be declared twice, and each save of one would fight the other
        return f"symlink to {resolved.relative_to(root.resolve())}, which is read already: not read twice"
    return ""


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "the file disappeared while being read (deleted or renamed); read again on the next change"
    if exc.errno == errno.ELOOP:
        return "symlink loop: nothing to read"
    return f"cannot read: {exc.strerror or exc}"
