"""The run's results as JSON (for machines and history) and as a table (for people).

Every section of the JSON is present in every run: `meta`, `data`, `floor`,
`commands`, `pledges`, `queries`, `faq`, `memory`, `targets`, `stand_in`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.faq import FaqResult
from bench.memory import MemoryResult
from bench.pledges import LABELS, Outcome
from bench.queries import QUERIES, QueryResult
from bench.stats import Summary
from bench.workload import Measured

SECTIONS = (
    "meta",
    "data",
    "floor",
    "commands",
    "pledges",
    "queries",
    "faq",
    "memory",
    "targets",
    "stand_in",
)

COMMAND_P99_MAX_RATIO = 1.5
LEDGER_MIN_SHARE_OF_RAW = 0.5
QUERY_MAX_MS = 5.0
MATCHER_MAX_MS = 5.0
IDLE_RSS_MAX_MB = 80.0


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    want: str
    measured: str
    met: bool

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "want": self.want, "measured": self.measured, "met": self.met}


def _ratio(value: float, floor: float) -> float:
    return value / floor if floor > 0 else math.nan


def _versus(item: Measured, floor: Measured) -> dict[str, Any]:
    floor_seq, floor_conc = floor.sequential.summary(), floor.concurrent.summary()
    seq, conc = item.sequential.summary(), item.concurrent.summary()
    by_round = [
        round(_ratio(mine.summary().p99_ms, theirs.summary().p99_ms), 3)
        for mine, theirs in zip(item.concurrent_rounds, floor.concurrent_rounds, strict=True)
    ]
    return {
        "label": item.workload.label,
        "sequential": seq.as_dict(),
        "concurrent": conc.as_dict(),
        "ratio": {
            "sequential_p50": round(_ratio(seq.p50_ms, floor_seq.p50_ms), 3),
            "sequential_p99": round(_ratio(seq.p99_ms, floor_seq.p99_ms), 3),
            "concurrent_p50": round(_ratio(conc.p50_ms, floor_conc.p50_ms), 3),
            "concurrent_p99": round(_ratio(conc.p99_ms, floor_conc.p99_ms), 3),
            "throughput": round(_ratio(conc.per_s, floor_conc.per_s), 3),
            "concurrent_p99_by_round": by_round,
        },
    }


def commands_json(measured: Mapping[str, Measured]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(floor, commands) sections; every command with its ratios to the floor.

    The floor section also holds the embed reference (`/benchembed`), with its
    ratios: informational, no target.
    """
    floor = measured["floor"]
    floor_seq, floor_conc = floor.sequential.summary(), floor.concurrent.summary()
    floor_json: dict[str, Any] = {
        "label": floor.workload.label,
        "sequential": floor_seq.as_dict(),
        "concurrent": floor_conc.as_dict(),
    }
    if "embed_floor" in measured:
        floor_json["embed_reference"] = _versus(measured["embed_floor"], floor)
    commands = {
        key: _versus(item, floor)
        for key, item in measured.items()
        if key not in ("floor", "embed_floor")
    }
    return floor_json, commands


def pledges_json(outcomes: Mapping[str, Outcome], floor_per_s: float) -> dict[str, Any]:
    """Each way's rate, as a share of raw sqlite3's and of the floor's request rate."""
    raw = outcomes["raw"].samples.summary().per_s
    ways = {}
    for way, outcome in outcomes.items():
        entry = outcome.as_dict()
        entry["ratio_to_raw"] = round(_ratio(entry["per_s"], raw), 3)
        entry["ratio_to_floor_rate"] = round(_ratio(entry["per_s"], floor_per_s), 3)
        ways[way] = entry
    return {
        "ways": ways,
        "none_lost": all(o.lost == 0 for o in outcomes.values()),
        "none_double": all(o.double == 0 for o in outcomes.values()),
        "totals_exact": all(o.exact for o in outcomes.values()),
    }


def _per_call(summary: Summary, floor_p50_ms: float) -> dict[str, Any]:
    """A per-call summary with its p50 as a share of one floor round trip (p50)."""
    return {**summary.as_dict(), "p50_x_floor": round(_ratio(summary.p50_ms, floor_p50_ms), 3)}


def queries_json(results: Sequence[QueryResult], floor_p50_ms: float) -> dict[str, Any]:
    return {
        str(result.rows): {
            "ledger_rows": result.ledger_rows,
            "member_totals_rows": result.member_totals,
            "queries": {
                key: {"label": label, **_per_call(result.summaries[key], floor_p50_ms)}
                for key, label in QUERIES
            },
        }
        for result in results
    }


def faq_json(results: Sequence[FaqResult], floor_p50_ms: float) -> dict[str, Any]:
    return {
        str(result.entries): {
            "build_cold_s": round(result.build_cold_s, 4),
            "rebuild_after_edit_s": round(result.rebuild_s, 4),
            "ask": _per_call(result.ask, floor_p50_ms),
            "complete": _per_call(result.complete, floor_p50_ms),
        }
        for result in results
    }


def memory_json(result: MemoryResult) -> dict[str, Any]:
    return {
        "startup_to_gateway_connected_s": round(result.connected_s, 3),
        "startup_to_first_command_answered_s": round(result.usable_s, 3),
        "idle_rss_mb": round(result.idle_rss_mb, 1),
        "after_run_rss_mb": round(result.after_rss_mb, 1),
        "peak_rss_mb": round(result.peak_rss_mb, 1),
        "requests_in_run": result.requests,
        "exit_code": result.exit_code,
    }


def _by_round(item: Mapping[str, Any]) -> str:
    """The p99 ratio of each round alone, e.g. '1.31 1.52 1.40'."""
    return " ".join(f"{ratio:.2f}" for ratio in item["ratio"].get("concurrent_p99_by_round", ()))


def targets(report: Mapping[str, Any]) -> list[Target]:
    """Each target of the issue, met or missed, from the report's numbers."""
    found: list[Target] = []
    floor_p99 = report["floor"]["concurrent"]["p99_ms"]
    for item in report["commands"].values():
        ratio = item["ratio"]["concurrent_p99"]
        found.append(
            Target(
                f"{item['label']}: p99 at 50 concurrent",
                f"<= {COMMAND_P99_MAX_RATIO}x floor p99 ({floor_p99:.1f} ms)",
                f"{item['concurrent']['p99_ms']:.1f} ms = {ratio:.2f}x (rounds: {_by_round(item)})",
                ratio <= COMMAND_P99_MAX_RATIO,
            )
        )
    pledges = report["pledges"]
    ledger_share = pledges["ways"]["ledger"]["ratio_to_raw"]
    found.append(
        Target(
            "pledges through the core ledger",
            f">= {LEDGER_MIN_SHARE_OF_RAW}x raw sqlite3 rate",
            f"{pledges['ways']['ledger']['per_s']:.0f}/s vs {pledges['ways']['raw']['per_s']:.0f}/s"
            f" = {ledger_share:.2f}x",
            ledger_share >= LEDGER_MIN_SHARE_OF_RAW,
        )
    )
    lost = sum(way["lost"] for way in pledges["ways"].values())
    double = sum(way["double"] for way in pledges["ways"].values())
    found.append(
        Target(
            "pledges: none lost, none double (every way, rows counted)",
            "0 lost, 0 double, totals exact",
            f"{lost} lost, {double} double, totals {'exact' if pledges['totals_exact'] else 'OFF'}",
            lost == 0 and double == 0 and pledges["totals_exact"],
        )
    )
    largest = max(report["queries"], key=int)
    for key, item in report["queries"][largest]["queries"].items():
        found.append(
            Target(
                f"{item['label']} at {int(largest):,} rows (p99)",
                f"<= {QUERY_MAX_MS:g} ms",
                f"{item['p99_ms']:.3f} ms",
                item["p99_ms"] <= QUERY_MAX_MS,
            )
        )
        del key
    biggest = max(report["faq"], key=int)
    for what in ("ask", "complete"):
        item = report["faq"][biggest][what]
        found.append(
            Target(
                f"Matcher.{what} at {int(biggest):,} entries (p99 per call)",
                f"<= {MATCHER_MAX_MS:g} ms",
                f"{item['p99_ms']:.2f} ms (p50 {item['p50_ms']:.2f})",
                item["p99_ms"] <= MATCHER_MAX_MS,
            )
        )
    idle = report["memory"]["idle_rss_mb"]
    found.append(
        Target("idle memory (VmRSS)", f"< {IDLE_RSS_MAX_MB:g} MB", f"{idle:.1f} MB", idle < 80)
    )
    return found


# -- the table ---------------------------------------------------------------------


def _rows(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, text_columns: int = 1
) -> list[str]:
    """A text table: the first `text_columns` columns left-aligned, numbers right-aligned."""
    cells = [list(map(str, header))] + [[_cell(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for number, row in enumerate(cells):
        parts = [
            cell.ljust(width) if column < text_columns else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(parts).rstrip())
        if number == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return lines


def _cell(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def table(report: Mapping[str, Any]) -> str:
    """The whole report as text."""
    meta = report["meta"]
    data = report["data"]
    made = "cached" if data["cached"] else f"generated in {data['generated_s']:.0f} s"
    checked = ", ".join(
        f"{int(rows):,} rows {state}" for rows, state in data["consistency"].items()
    )
    lines = [
        f"coinhelp benchmark ({meta['mode']}), {meta['started']}, {meta['duration_s']:.0f} s",
        f"  python {meta['python']}, sqlite {meta['sqlite']}, discord.py {meta['discord']},"
        f" {meta['cpus']} cores, load average at start {meta['loadavg_start']}",
        f"  database: {data['rows']:,} ledger rows, {data['members']:,} members,"
        f" {data['goals']} goals, {data['servers']} servers"
        f" ({made})",
        f"  Ledger.check_consistency of the generated files: {checked}",
        "",
        "1-2. Floor and commands through the stand-in (latency ms; ratios to the floor)",
    ]
    floor = report["floor"]
    rows: list[list[object]] = [
        [
            floor["label"],
            floor["sequential"]["p50_ms"],
            floor["sequential"]["p99_ms"],
            floor["concurrent"]["p50_ms"],
            floor["concurrent"]["p99_ms"],
            floor["concurrent"]["per_s"],
            1.0,
            "",
            1.0,
        ]
    ]
    shown = list(report["commands"].values())
    if "embed_reference" in floor:
        shown.insert(
            0, {**floor["embed_reference"], "label": "  (ref) " + floor["embed_reference"]["label"]}
        )
    for item in shown:
        rows.append(
            [
                item["label"],
                item["sequential"]["p50_ms"],
                item["sequential"]["p99_ms"],
                item["concurrent"]["p50_ms"],
                item["concurrent"]["p99_ms"],
                item["concurrent"]["per_s"],
                item["ratio"]["concurrent_p99"],
                _by_round(item),
                item["ratio"]["sequential_p50"],
            ]
        )
    conc = meta["concurrency"]
    lines += _rows(
        [
            "command",
            "seq p50",
            "seq p99",
            f"c{conc} p50",
            f"c{conc} p99",
            f"c{conc} req/s",
            "p99 x floor",
            "by round",
            "seq p50 x floor",
        ],
        rows,
    )
    lines += ["", "3. Pledges per second (same pledges, same file; rows counted afterwards)"]
    pledge_rows = [
        [
            LABELS[way],
            item["concurrency"],
            item["pledges"],
            item["per_s"],
            item["ratio_to_raw"],
            item["ratio_to_floor_rate"],
            item["latency"]["p50_ms"],
            item["latency"]["p99_ms"],
            item["lost"],
            item["double"],
            "yes" if item["exact"] else "NO",
        ]
        for way, item in report["pledges"]["ways"].items()
    ]
    lines += _rows(
        [
            "way",
            "callers",
            "pledges",
            "per s",
            "x raw",
            "x floor req/s",
            "p50 ms",
            "p99 ms",
            "lost",
            "double",
            "totals ok",
        ],
        pledge_rows,
    )
    after = report["pledges"].get("consistency_after")
    if after is not None:
        lines.append(f"  Ledger.check_consistency after the run: {after}")
    lines += [
        "",
        "4. Ledger queries through Ledger (per call, ms: p50 / p99; [p50 x floor seq p50])",
    ]
    sizes = sorted(report["queries"], key=int)
    query_rows = []
    for key, label in QUERIES:
        row: list[object] = [label]
        for size in sizes:
            item = report["queries"][size]["queries"][key]
            row.append(f"{item['p50_ms']:.3f} / {item['p99_ms']:.3f} [{item['p50_x_floor']:.2f}]")
        query_rows.append(row)
    lines += _rows(["query", *(f"{int(s):,} rows" for s in sizes)], query_rows)
    lines += ["", "5. Matcher (per call, ms: p50 / p99; [p50 x floor seq p50]; build in s)"]
    faq_sizes = sorted(report["faq"], key=int)
    faq_rows: list[list[object]] = []
    for what, label in (
        ("build_cold_s", "build, cold (s)"),
        ("rebuild_after_edit_s", "rebuild after one edit (s)"),
    ):
        faq_rows.append([label, *(report["faq"][s][what] for s in faq_sizes)])
    for what in ("ask", "complete"):
        cells = [report["faq"][size][what] for size in faq_sizes]
        faq_rows.append(
            [
                f"Matcher.{what}",
                *(f"{c['p50_ms']:.2f} / {c['p99_ms']:.2f} [{c['p50_x_floor']:.2f}]" for c in cells),
            ]
        )
    lines += _rows(["", *(f"{int(s):,} entries" for s in faq_sizes)], faq_rows)
    memory = report["memory"]
    lines += [
        "",
        "6. `python bot.py` process",
        f"  start -> gateway connected {memory['startup_to_gateway_connected_s']:.2f} s,"
        f" -> first command answered {memory['startup_to_first_command_answered_s']:.2f} s",
        f"  VmRSS idle {memory['idle_rss_mb']:.1f} MB, after {memory['requests_in_run']:,}"
        f" requests {memory['after_run_rss_mb']:.1f} MB (peak {memory['peak_rss_mb']:.1f} MB)",
        "",
        "Targets",
    ]
    lines += _rows(
        ["", "target", "want", "measured"],
        (
            ["met" if t["met"] else "MISSED", t["name"], t["want"], t["measured"]]
            for t in report["targets"]
        ),
        text_columns=4,
    )
    stand_in = report["stand_in"]
    if stand_in["violations"] or stand_in["unhandled"]:
        lines += ["", f"STAND-IN VIOLATIONS: {stand_in['violations'] + stand_in['unhandled']}"]
    return "\n".join(lines)


def write_json(report: Mapping[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, sort_keys=False) + "\n", "utf-8")
