"""A cold index of a collection big enough for the process pool, inside the running TUI.

Inside the TUI `sys.stderr` is Textual's capture object, which multiprocessing's helper
process cannot inherit; the collection must still open (it once stayed on "Opening the
collection…" for ever).
"""

from __future__ import annotations

from pathlib import Path

from annotations.indexing import POOL_THRESHOLD
from tests.tui_support import running_app


async def test_a_cold_index_with_the_process_pool_opens_in_the_tui(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    count = POOL_THRESHOLD + 20
    for n in range(count):
        (library / f"{n:04d}.txt").write_text(
            f"Article number {n}\n\nSome words about the economy and trade, number {n}.\n",
            encoding="utf-8",
        )
    async with running_app(library, tmp_path / "db.json", timeout=120) as (app, _pilot):
        assert len(app.workspace.require_corpus()) == count
