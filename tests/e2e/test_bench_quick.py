"""`python -m bench --quick` end to end, so the benchmark suite cannot rot.

It runs the quick mode as CI would (a subprocess, its own cache folder) and
checks that the run completes and that the JSON has every section, every
command and every size. It never asserts a timing: CI machines are shared and
noisy, and the numbers are for people to read. It does assert what is not a
timing: no pledge lost or counted twice, and nothing the bot sent that Discord
would refuse.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.commands import COMMANDS
from bench.pledges import WAYS
from bench.queries import QUERIES
from bench.report import SECTIONS
from bench.sizes import QUICK

REPO = Path(__file__).resolve().parents[2]


def test_quick_benchmark_completes_and_reports_every_section(tmp_path: Path) -> None:
    out = tmp_path / "results" / "bench.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--out",
            str(out),
            "--cache",
            str(tmp_path / "cache"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    assert "Traceback" not in run.stderr, run.stderr[-4000:]
    assert "Targets" in run.stdout and str(out) in run.stdout

    report = json.loads(out.read_text("utf-8"))
    assert set(SECTIONS) <= report.keys()
    assert report["meta"]["mode"] == "quick"
    assert set(report["data"]["consistency"].values()) == {"ok"}

    assert {"sequential", "concurrent", "embed_reference"} <= report["floor"].keys()
    assert set(report["commands"]) == {workload.key for workload in COMMANDS}
    for command in report["commands"].values():
        assert command["sequential"]["n"] > 0 and command["concurrent"]["n"] > 0
        assert {"concurrent_p99", "throughput"} <= command["ratio"].keys()

    pledges = report["pledges"]
    assert set(pledges["ways"]) == set(WAYS)
    assert pledges["none_lost"] and pledges["none_double"] and pledges["totals_exact"]
    assert pledges["consistency_after"] == "ok"

    assert set(report["queries"]) == {str(rows) for rows in QUICK.query_rows}
    for size in report["queries"].values():
        assert set(size["queries"]) == {key for key, _ in QUERIES}
    assert set(report["faq"]) == {str(size) for size in QUICK.faq_sizes}
    for size in report["faq"].values():
        assert {"build_cold_s", "rebuild_after_edit_s", "ask", "complete"} <= size.keys()

    memory = report["memory"]
    assert memory["exit_code"] == 0
    assert {"idle_rss_mb", "after_run_rss_mb", "startup_to_first_command_answered_s"} <= (
        memory.keys()
    )

    assert report["targets"] and all(isinstance(t["met"], bool) for t in report["targets"])
    assert report["stand_in"] == {"violations": [], "unhandled": []}
