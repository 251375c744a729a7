"""Watch the manifest folder with watchfiles and re-sync after each burst of saves."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path

from watchfiles import Change, awatch

from kubetui.manifests.files import is_manifest
from kubetui.manifests.loader import ManifestFolder
from kubetui.sim.trace import ManifestStatus

RESTART_DELAY = 1.0  # seconds before watching again after watchfiles failed (doubling, up to MAX_RESTART_DELAY)
MAX_RESTART_DELAY = 60.0
SETTLE_SECONDS = 0.1  # a saved file must keep its size and mtime this long before it is read


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _first_cause(exc: BaseException) -> BaseException:
    """The exception inside an ExceptionGroup (watchfiles raises from a task group)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


class ManifestWatcher:
    """Runs on the asyncio loop beside the UI; each debounced batch of changes is one sync.

    An editor's save is often several events (write a temp file, rename, chmod); watchfiles
    groups everything within ``debounce_ms`` into one batch, so it is applied once.
    """

    def __init__(
        self, folder: ManifestFolder, debounce_ms: int = 300, on_sync: Callable[[], None] | None = None
    ) -> None:
        self.folder = folder
        # watchfiles reports absolute paths: compare them with the absolute folder, or a folder given
        # as `kubetui .` or `kubetui manifests/` would filter out every change (nothing re-applied).
        self.root = folder.root.resolve()
        self.debounce_ms = debounce_ms
        self.on_sync = on_sync
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self.syncs = 0
        self.failure = ""

    def _relevant(self, change: Change, path: str) -> bool:
        """A manifest file, or a folder (a renamed or moved folder is one event, not one per file).

        Symlinks are not resolved: a symlink pointing outside the folder is still a change here
        (it is reported as not read).
        """
        where = Path(os.path.abspath(path))
        if is_manifest(where, self.root):
            return True
        try:
            parts = where.relative_to(self.root).parts
        except ValueError:
            return False
        if not parts or any(part.startswith(".") for part in parts):
            return False
        return where.is_dir() or (change == Change.deleted and not where.suffix)

    async def _run(self) -> None:
        """Watch until stopped; if watching itself fails, say so (once per reason), and watch again from a fresh
        sync, waiting longer after each failure (up to a minute: a folder that is gone may stay gone)."""
        delay = RESTART_DELAY
        while not self._stop.is_set():
            try:
                await self._watch()
            except Exception as exc:  # e.g. watchfiles cannot decode a file name that is not UTF-8
                cause = _first_cause(exc)
                failure = f"watching the folder failed ({type(cause).__name__}: {cause}); watching again"
                if failure != self.failure:
                    self.failure = failure
                    self.folder.cluster.trace.emit(ManifestStatus(path=".", ok=False, message=failure))
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RESTART_DELAY)
                await self._sync_files(None)  # what changed while nobody watched (nothing, if the folder is gone)
            else:
                return

    async def _watch(self) -> None:
        pending: set[str] = set()
        async for changes in awatch(
            self.root,
            watch_filter=self._relevant,
            debounce=self.debounce_ms,
            step=50,
            stop_event=self._stop,
            recursive=True,
        ):
            pending.update(self._touched(changes))
            if not await asyncio.to_thread(self._settled, sorted(pending)):
                continue  # still being written (a long save, a copy in chunks): its next change brings it
            await self._sync_files(sorted(pending))
            pending.clear()

    async def _sync_files(self, touched: list[str] | None) -> None:
        if not self.root.is_dir():  # renamed or unmounted: it would read as empty, and prune everything
            failure = f"the folder {self.root} is gone: nothing is applied or pruned until it is back"
            if failure != self.failure:
                self.failure = failure
                self.folder.cluster.trace.emit(ManifestStatus(path=".", ok=False, message=failure))
            return
        try:  # read and parse in a worker thread: the loop (the UI) keeps running meanwhile
            files: dict[str, str] | None = await asyncio.to_thread(self._read_and_parse)
        except Exception:  # the sync reads the folder again and reports what is wrong
            files = None
        self._sync(files, touched)
        self.syncs += 1
        if self.on_sync is not None:
            self.on_sync()

    def _settled(self, touched: list[str]) -> bool:
        """Have the saved files stopped changing? A file read in the middle of a write would apply (and prune)
        whatever half of it had arrived; watchfiles yields after 50 ms without events, so look once more."""
        before = [_signature(self.root / path) for path in touched]
        time.sleep(SETTLE_SECONDS)
        return before == [_signature(self.root / path) for path in touched]

    def _touched(self, changes: set[tuple[Change, str]]) -> list[str]:
        """The saved paths, relative to the folder (what a save of an unchanged file should apply again)."""
        touched: set[str] = set()
        for _, path in changes:
            try:
                touched.add(Path(os.path.abspath(path)).relative_to(self.root).as_posix())
            except ValueError:
                continue
        return sorted(touched)

    def _read_and_parse(self) -> dict[str, str]:
        files = self.folder.snapshot()
        self.folder.preparse(files)
        return files

    def _sync(self, files: dict[str, str] | None = None, touched: list[str] | None = None) -> None:
        """One sync; an unexpected failure is shown as an error instead of silently ending the watching."""
        try:
            self.folder.sync(files, touched)
        except Exception as exc:  # whatever went wrong, the next save must still be applied
            self.failure = f"sync failed ({type(exc).__name__}: {exc}); the next save is tried again"
            self.folder.cluster.trace.emit(ManifestStatus(path=".", ok=False, message=self.failure))
            return
        if self.failure:
            self.failure = ""
            self.folder.cluster.trace.emit(ManifestStatus(path=".", ok=True, message="synced again"))

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())
            await asyncio.sleep(0)

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
