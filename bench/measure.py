"""Timing statistics and running one measurement in a fresh Python process.

Each measurement runs in its own subprocess (`python -m bench.worker TASK PARAMS`) so that
its peak memory (`ru_maxrss`) and its caches do not mix with those of the others.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


class BenchmarkError(RuntimeError):
    """A measurement could not be made (a worker failed or timed out)."""


@dataclass(frozen=True)
class Timing:
    """Several measurements of one thing, in seconds."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        """The median sample."""
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        """The fastest sample."""
        return min(self.samples)

    @property
    def high(self) -> float:
        """The slowest sample."""
        return max(self.samples)

    def summary(self, scale: float = 1000.0, digits: int = 1) -> str:
        """ "median (min–max)" in milliseconds by default."""
        if len(self.samples) == 1:
            return f"{self.median * scale:.{digits}f} (n=1)"
        return (
            f"{self.median * scale:.{digits}f} ({self.low * scale:.{digits}f}–"
            f"{self.high * scale:.{digits}f}, n={len(self.samples)})"
        )


def repeat(function: Callable[[], object], times: int) -> list[float]:
    """Seconds taken by each of `times` calls of `function`."""
    samples: list[float] = []
    for _ in range(times):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def peak_rss_kib() -> int:
    """This process's peak resident memory so far, in KiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def mib(kib: int) -> str:
    """KiB as a short MiB string."""
    return f"{kib / 1024:.0f} MiB"


def run_worker(
    task: str,
    params: Mapping[str, Any],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = 900.0,
) -> dict[str, Any]:
    """Run `task` in a fresh Python process and return its JSON result.

    The result always holds `peak_rss_kib`, the worker's peak resident memory.
    """
    command = [sys.executable, "-m", "bench.worker", task, json.dumps(dict(params))]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=REPO_ROOT,
            env={**os.environ, **(env or {})},
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BenchmarkError(f"{task} took longer than {timeout:.0f} s") from None
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        raise BenchmarkError(f"{task} failed (exit {done.returncode}): {tail[0]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
