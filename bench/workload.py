"""A workload (one kind of request) and running several of them side by side.

On a shared, noisy machine a slow minute would skew whichever workload happened
to run in it. So every workload runs in `rounds`, and within a round each one
runs a sequential block and a concurrent block in turn; samples are pooled per
workload over the rounds. The floor runs in the same rounds, next to the
commands it is compared with.

Garbage collection: the stand-in shares the bot's process. Recording every
interaction and message of the run, it made a full collection's pause grow with
the run (from about 30 ms to over 100 ms in a few thousand requests), landing on
whichever requests were in flight. So it remembers only the last
`world.STANDIN_KEEP` interactions, and before each block `settle()` collects and
freezes what exists (`gc.freeze()`), so that blocks start alike. Every request's
own garbage, and its collection, still count.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from bench.stats import Call, Samples, run_load
from bench.world import World

log = logging.getLogger("bench")


class BenchError(RuntimeError):
    """A request was not answered the way it should have been: the run is invalid."""


def expect(ok: bool, what: str, got: str) -> None:
    """Raise BenchError unless `ok`: a wrong answer must never pass as a fast one."""
    if not ok:
        raise BenchError(f"{what}: unexpected answer: {got[:300]!r}")


@dataclass(frozen=True, slots=True)
class Workload:
    """One kind of request: `call(world, number)` sends request `number` and waits
    for its answer."""

    key: str
    label: str
    call: Callable[[World, int], Awaitable[None]]


def settle() -> None:
    """Collect, then freeze the survivors out of later collections (see above)."""
    gc.collect()
    gc.freeze()


def bind(world: World, workload: Workload) -> Call:
    """`workload` as a call that takes only the request number."""

    async def call(number: int) -> None:
        await workload.call(world, number)

    return call


@dataclass
class Measured:
    """A workload's pooled samples: one at a time, and at `concurrency` in flight."""

    workload: Workload
    sequential: Samples = field(default_factory=lambda: Samples([]))
    concurrent: Samples = field(default_factory=lambda: Samples([]))
    concurrent_rounds: list[Samples] = field(default_factory=list)
    """The concurrent samples of each round apart, to show how much rounds differ."""


async def measure(
    world: World,
    workloads: Sequence[Workload],
    *,
    rounds: int,
    sequential: int,
    concurrent: int,
    concurrency: int,
    warmup: int,
) -> dict[str, Measured]:
    """Run every workload, interleaved in rounds; pooled samples per workload."""
    results = {workload.key: Measured(workload) for workload in workloads}
    number = 0
    for workload in workloads:
        await run_load(bind(world, workload), warmup, 1, start=number)
        number += warmup
    for round_index in range(rounds):
        # Each round starts one workload later, so no workload always runs first
        # (or last) in a round: a slow stretch of the machine is spread over all.
        shift = round_index % len(workloads)
        for workload in [*workloads[shift:], *workloads[:shift]]:
            measured = results[workload.key]
            call = bind(world, workload)
            log.info("round %d: %s", round_index + 1, workload.label)
            settle()
            measured.sequential.add(await run_load(call, sequential, 1, start=number))
            number += sequential
            settle()
            samples = await run_load(call, concurrent, concurrency, start=number)
            measured.concurrent.add(samples)
            measured.concurrent_rounds.append(samples)
            number += concurrent
    return results
