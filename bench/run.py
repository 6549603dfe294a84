"""One benchmark run: generate (or reuse) the databases, measure every section,
return the report.

Order: databases (synchronous, cached under the cache directory), then in one
event loop: the in-process bot on the stand-in for sections 1-3, the ledger
queries (4), the matcher (5), and the `python bot.py` subprocess (6). The bot's
database is a fresh copy of the cached file in a scratch folder, deleted after
the run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import platform
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import discord

from bench import data as data_module
from bench.commands import COMMANDS
from bench.data import Generated
from bench.faq import measure_faq
from bench.floor import EMBED_FLOOR, FLOOR
from bench.memory import measure_memory
from bench.pledges import measure_pledges
from bench.queries import measure_queries
from bench.report import (
    SECTIONS,
    commands_json,
    faq_json,
    memory_json,
    pledges_json,
    queries_json,
    targets,
)
from bench.sizes import Sizes
from bench.workload import measure
from bench.world import running_bot, standin_world

log = logging.getLogger("bench")
REPO = Path(__file__).resolve().parents[1]


def _git_commit() -> str:
    """The checked-out commit (read only), with '+dirty' if files changed."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def _meta(sizes: Sizes) -> dict[str, Any]:
    return {
        "mode": sizes.name,
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "discord": discord.__version__,
        "cpus": os.cpu_count(),
        "loadavg_start": [round(value, 2) for value in os.getloadavg()],
        "commit": _git_commit(),
        "concurrency": sizes.concurrency,
        "rounds": sizes.rounds,
        "method": [
            "bot in-process on the stand-in (coinhelp_discord.on_standin), one event loop",
            "latency: slash() sent -> initial response received by the stand-in",
            "concurrent: closed loop, `concurrency` requests in flight",
            "floor and commands interleaved in rounds, samples pooled per workload",
            "the stand-in remembers only its last 1,000 interactions (bench.world.STANDIN_KEEP)",
            "gc.collect() + gc.freeze() before each measured block (see bench.workload)",
            "the curated matcher of every language built before measuring (built once,"
            " on a language's first question, in a bot that has not done it yet)",
            "the bot's collector and thread switching tuned as python bot.py does"
            " (coinhelp_discord.launcher.tune_process)",
            "targets judged on p99",
        ],
        "sizes": {
            "sequential_per_round": sizes.sequential,
            "concurrent_per_round": sizes.concurrent,
            "pledges_per_round": sizes.pledges,
            "query_calls": sizes.query_calls,
            "faq_calls": sizes.faq_calls,
            "memory_requests_per_command": sizes.memory_requests,
        },
    }


def _consistency(generated: Generated, sizes: Sizes) -> str:
    """'ok', the first problems found, or why it was not checked."""
    if generated.spec.rows > sizes.check_rows_max:
        return f"not checked (slow above {sizes.check_rows_max:,} rows)"
    problems = asyncio.run(data_module.check(generated.path))
    return "ok" if not problems else "PROBLEMS: " + "; ".join(problems[:5])


async def _measure(
    sizes: Sizes, main: Generated, query_dbs: dict[int, Generated], scratch: Path
) -> dict[str, Any]:
    report: dict[str, Any] = {}
    db_path = data_module.working_copy(main.path, scratch / "bot.db")
    log.info("sections 1-3: the bot in-process on the stand-in")
    async with standin_world(sizes.data, sizes.members_per_guild) as world:
        async with running_bot(world, db_path):
            measured = await measure(
                world,
                [FLOOR, EMBED_FLOOR, *COMMANDS],
                rounds=sizes.rounds,
                sequential=sizes.sequential,
                concurrent=sizes.concurrent,
                concurrency=sizes.concurrency,
                warmup=sizes.warmup,
            )
            log.info("section 3: pledges")
            pledges = await measure_pledges(
                world,
                db_path,
                rounds=sizes.rounds,
                pledges=sizes.pledges,
                concurrency=sizes.concurrency,
            )
        report["stand_in"] = {
            "violations": list(world.standin.violations),
            "unhandled": list(world.standin.unhandled),
        }
    report["floor"], report["commands"] = commands_json(measured)
    floor_rate = report["floor"]["concurrent"]["per_s"]
    floor_p50 = report["floor"]["sequential"]["p50_ms"]
    report["pledges"] = pledges_json(pledges, floor_rate)
    if main.spec.rows <= sizes.check_rows_max:
        problems = await data_module.check(db_path)
        report["pledges"]["consistency_after"] = "ok" if not problems else problems[:5]

    log.info("section 4: ledger queries")
    results = []
    for rows, generated in sorted(query_dbs.items()):
        copy = data_module.working_copy(generated.path, scratch / f"queries-{rows}.db")
        results.append(await measure_queries(copy, generated.spec, sizes.query_calls))
        data_module.remove_db(copy)
    report["queries"] = queries_json(results, floor_p50)

    log.info("section 5: the matcher")
    faq = [measure_faq(size, sizes.faq_calls) for size in sizes.faq_sizes]
    report["faq"] = faq_json(faq, floor_p50)

    log.info("section 6: a `python bot.py` process")
    async with standin_world(sizes.data, sizes.members_per_guild) as world:
        memory = await measure_memory(
            world, db_path, requests=sizes.memory_requests, concurrency=sizes.concurrency
        )
        report["stand_in"]["violations"] += world.standin.violations
        report["stand_in"]["unhandled"] += world.standin.unhandled
    report["memory"] = memory_json(memory)
    return report


def run(sizes: Sizes, cache_dir: Path) -> dict[str, Any]:
    """Run every section at `sizes`; the report (see bench.report.SECTIONS)."""
    began = time.perf_counter()
    meta = _meta(sizes)
    log.info("databases (cached in %s)", cache_dir)
    main = data_module.generate(sizes.data, cache_dir)
    query_dbs = {
        rows: data_module.generate(sizes.query_spec(rows), cache_dir) for rows in sizes.query_rows
    }
    files = {generated.path: generated for generated in (main, *query_dbs.values())}
    consistency = {
        str(generated.spec.rows): _consistency(generated, sizes)
        for generated in sorted(files.values(), key=lambda generated: generated.spec.rows)
    }
    with tempfile.TemporaryDirectory(prefix="work-", dir=cache_dir) as scratch:
        measured = asyncio.run(_measure(sizes, main, query_dbs, Path(scratch)))
    meta["duration_s"] = round(time.perf_counter() - began, 1)
    report: dict[str, Any] = {
        "meta": meta,
        "data": {
            "rows": sizes.data.rows,
            "members": sizes.data.members,
            "goals": sizes.data.goals,
            "servers": sizes.data.guilds,
            "cached": main.cached,
            "generated_s": round(
                main.seconds + sum(g.seconds for g in query_dbs.values() if g is not main), 1
            ),
            "consistency": consistency,
        },
        **measured,
    }
    report["targets"] = [target.as_dict() for target in targets(report)]
    return {section: report[section] for section in SECTIONS}
