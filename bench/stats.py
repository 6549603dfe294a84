"""Latency samples and the numbers reported from them."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of `samples`, linearly interpolated."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True, slots=True)
class Summary:
    """Latency of `n` requests (milliseconds) and the rate they completed at."""

    n: int
    p50_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    per_s: float

    @classmethod
    def of(cls, seconds: Sequence[float], wall: float) -> Summary:
        """From per-request latencies and the wall time the whole run took (seconds)."""
        ms = [s * 1000 for s in seconds]
        return cls(
            n=len(ms),
            p50_ms=percentile(ms, 50),
            p99_ms=percentile(ms, 99),
            mean_ms=sum(ms) / len(ms) if ms else math.nan,
            max_ms=max(ms) if ms else math.nan,
            per_s=len(ms) / wall if wall > 0 else math.nan,
        )

    def as_dict(self) -> dict[str, float]:
        return {
            "n": self.n,
            "p50_ms": round(self.p50_ms, 4),
            "p99_ms": round(self.p99_ms, 4),
            "mean_ms": round(self.mean_ms, 4),
            "max_ms": round(self.max_ms, 4),
            "per_s": round(self.per_s, 2),
        }


@dataclass(slots=True)
class Samples:
    """Latencies collected over several blocks of a run, pooled."""

    seconds: list[float]
    wall: float = 0.0

    def add(self, other: Samples) -> None:
        self.seconds.extend(other.seconds)
        self.wall += other.wall

    def summary(self) -> Summary:
        return Summary.of(self.seconds, self.wall)


Call = Callable[[int], Awaitable[object]]
"""One request: given its sequence number, performs it and returns when answered."""


async def run_load(call: Call, requests: int, concurrency: int, *, start: int = 0) -> Samples:
    """`requests` calls, `concurrency` of them in flight at any time (closed loop).

    Latency is measured per call; `wall` is from the first call to the last answer.
    """
    latencies: list[float] = []
    counter = iter(range(start, start + requests))

    async def worker() -> None:
        for number in counter:
            began = time.perf_counter()
            await call(number)
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    if concurrency <= 1:
        await worker()
    else:
        async with asyncio.TaskGroup() as group:
            for _ in range(min(concurrency, requests)):
                group.create_task(worker())
    return Samples(latencies, time.perf_counter() - began)


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    """Per-call seconds of `repeat` synchronous calls."""
    seconds = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - began)
    return seconds
