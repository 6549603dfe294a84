"""coinhelp's benchmark: run every section, print the table, write the JSON.

python -m bench            full sizes (a few minutes; the first run also
                           generates the 1 M-row database, about 1.5 min)
python -m bench --quick    small sizes, for CI (seconds)
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.report import table, write_json
from bench.run import run
from bench.sizes import FULL, QUICK

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, for CI (seconds, not minutes)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="where to write the JSON (default: bench/results/bench-<mode>.json)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=RESULTS / "cache",
        help="where generated databases are kept between runs (default: bench/results/cache)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sizes = QUICK if args.quick else FULL
    out: Path = args.out or RESULTS / f"bench-{sizes.name}.json"
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("bench").setLevel(logging.INFO)
    logging.getLogger("discord.client").setLevel(logging.ERROR)  # "voice will NOT be supported"
    report = run(sizes, args.cache)
    write_json(report, out)
    print(table(report))
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
