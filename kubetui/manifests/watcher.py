"""Watch the manifest folder with watchfiles and re-sync after each burst of saves."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path

from watchfiles import Change, awatch

from kubetui.manifests.files import is_manifest
from kubetui.manifests.loader import ManifestFolder


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

    def _relevant(self, change: Change, path: str) -> bool:
        return is_manifest(Path(path).resolve(), self.root)

    async def _run(self) -> None:
        async for _changes in awatch(
            self.root,
            watch_filter=self._relevant,
            debounce=self.debounce_ms,
            step=50,
            stop_event=self._stop,
            recursive=True,
        ):
            self.folder.sync()
            self.syncs += 1
            if self.on_sync is not None:
                self.on_sync()

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
