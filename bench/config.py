"""How much a benchmark run measures: the full run or `--quick`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SEED = 1


@dataclass(frozen=True)
class Config:
    """Sizes and repeat counts of one run, and its scratch directory."""

    quick: bool
    workdir: Path
    repeats: int
    slow_repeats: int
    collection_sizes: tuple[int, ...]
    store_sizes: tuple[int, ...]
    tinydb_sizes: tuple[int, ...]

    @property
    def big_collection(self) -> int:
        """The largest collection measured (10k in the full run)."""
        return max(self.collection_sizes)

    @classmethod
    def make(cls, *, quick: bool, workdir: Path) -> Config:
        """The full configuration, or the reduced one for `--quick`."""
        if quick:
            return cls(
                quick=True,
                workdir=workdir,
                repeats=3,
                slow_repeats=1,
                collection_sizes=(500, 2_000),
                store_sizes=(0, 1_000, 10_000),
                tinydb_sizes=(0, 1_000),
            )
        return cls(
            quick=False,
            workdir=workdir,
            repeats=7,
            slow_repeats=3,
            collection_sizes=(1_000, 10_000),
            store_sizes=(0, 1_000, 10_000, 100_000),
            tinydb_sizes=(0, 1_000, 10_000, 100_000),
        )

    def cache_env(self, name: str) -> dict[str, str]:
        """Environment giving newsmark its own cache/data directories under the workdir."""
        base = self.workdir / "xdg" / name
        return {
            "XDG_CACHE_HOME": str(base / "cache"),
            "XDG_DATA_HOME": str(base / "data"),
            "XDG_CONFIG_HOME": str(base / "config"),
        }
