"""The whole benchmark suite: every figure beside its floor, measured in the same run, and the ratio.

    python -m bench [--quick] [--json FILE]

Runs, one after another on this machine: slash-command acknowledgements under 30 concurrent clients
against a bare Bolt app (`bench.load`), escalation page latency and re-escalation lateness
(`bench.escalate`), the top-of-the-hour fan-out with a page raised during it (`bench.fanout`), the
same on PostgreSQL with one replica and with two (`bench.replicas`, skipped without a server),
digest cost against history length (`bench.digest`), REST ingestion against a
raw sqlite3 insert (`bench.ingest`), and the service's resident memory idle and with campaigns loaded
(`bench.memory`). Prints each module's own figures, then one table, and writes it all as JSON with
the machine it ran on. `--quick` shrinks every run (under a minute) so that a test can keep the suite
from rotting; its figures are not meant to be compared.

Not part of the pass/fail test run: a missed target is printed, and the exit code stays 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import digest, escalate, fanout, ingest, load, memory, replicas

RESULTS = Path(__file__).with_name("results.json")  # tracked: the README's table comes from it
QUICK_RESULTS = Path(__file__).with_name("results-quick.json")


@dataclass(frozen=True)
class Size:
    load_seconds: float
    pages: int
    steps: int
    campaigns: int
    readings: int
    settle_seconds: float
    rooms: int
    latency: float


FULL = Size(
    load_seconds=60, pages=200, steps=20, campaigns=200, readings=200_000, settle_seconds=3, rooms=200, latency=0.15
)
QUICK = Size(load_seconds=3, pages=20, steps=3, campaigns=10, readings=20_000, settle_seconds=1, rooms=20, latency=0.05)


@dataclass(frozen=True)
class Row:
    figure: str
    measured: str
    floor: str
    ratio: str
    target: str
    met: bool | None


def _rows(results: dict[str, Any]) -> list[Row]:
    slash, pages, digests = results["load"], results["escalate"], results["digest"]
    ingestion, rss, fan, pair = results["ingest"], results["memory"], results["fanout"], results["replicas"]
    ours, bare = slash["warroom"], slash["bare_bolt"]
    return [
        Row(
            f"slash command ack p99, {slash['clients']} clients",
            f"{ours['p99_ms']:.0f} ms",
            f"{bare['p99_ms']:.0f} ms (bare Bolt)",
            f"{slash['p99_ratio']:.2f}",
            "≤ 1.5 × floor",
            slash["p99_ratio"] <= 1.5,
        ),
        Row(
            "slash command throughput",
            f"{ours['per_second']:.0f} req/s",
            f"{bare['per_second']:.0f} req/s",
            f"{ours['per_second'] / bare['per_second']:.2f}",
            "—",
            None,
        ),
        Row("slash command errors", str(ours["errors"]), str(bare["errors"]), "", "0", ours["errors"] == 0),
        Row(
            "escalation DM p99 (request → stand-in)",
            f"{pages['page_latency_ms']['p99']:.0f} ms",
            "",
            "",
            "≤ 300 ms",
            pages["page_latency_ms"]["p99"] <= 300,
        ),
        Row(
            "re-escalation lateness, max",
            f"{pages['reescalation_lateness_s']['max']:.2f} s",
            "",
            "",
            "≤ 2 s",
            pages["reescalation_lateness_s"]["max"] <= 2,
        ),
        Row(
            f"digests of {digests['campaigns']} campaigns, 10 × history",
            f"{digests['seconds_10x'] * 1000:.0f} ms",
            f"{digests['seconds'] * 1000:.0f} ms (1 × history)",
            f"{digests['ratio']:.2f}",
            "≤ 1.5",
            digests["ratio"] <= 1.5,
        ),
        Row(
            "REST ingestion",
            f"{ingestion['api_per_second']:,.0f} readings/s",
            f"{ingestion['raw_insert_per_second']:,.0f} /s (raw sqlite3)",
            f"{ingestion['ratio']:.0%}",
            "≥ 25 %",
            ingestion["ratio"] >= 0.25,
        ),
        Row(
            f"re-escalation lateness under {slash['clients']} clients' commands (max)",
            f"{slash['step_lateness_s']['max']:.2f} s",
            "",
            "",
            "≤ 2 s",
            slash["step_lateness_s"]["max"] <= 2.0,
        ),
        Row(
            f"page during a {fan['rooms']}-room top of the hour, Slack at {fan['latency_s'] * 1000:.0f} ms",
            f"{fan['page_s']:.2f} s",
            "",
            "",
            "≤ 1 s",
            fan["page_s"] <= 1.0,
        ),
        Row(
            f"last of {fan['rooms']} digests after the hour",
            f"{fan['last_digest_s']:.2f} s",
            f"{fan['floor_s']:.2f} s (rooms × latency / {fan['concurrency']})",
            f"{fan['last_digest_s'] / fan['floor_s']:.2f}",
            "≤ 8 s",
            fan["last_digest_s"] <= 8.0,
        ),
        Row(
            f"last of {fan['rooms']} digests, two replicas on PostgreSQL",
            "skipped: no PostgreSQL" if pair["skipped"] else f"{pair['replicas_2']['last_digest_s']:.2f} s",
            "" if pair["skipped"] else f"{pair['replicas_1']['last_digest_s']:.2f} s (one replica)",
            "" if pair["skipped"] else f"{1 / pair['speedup']:.2f}",
            "< 1",
            None if pair["skipped"] else pair["speedup"] > 1,
        ),
        Row("resident memory, idle", f"{rss['idle_mb']:.0f} MiB", "", "", "≤ 150 MiB", rss["idle_mb"] <= 150),
        Row(f"resident memory, {rss['campaigns']} campaigns", f"{rss['loaded_mb']:.0f} MiB", "", "", "—", None),
    ]


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo")
    total = next(
        (int(line.split()[1]) // 1024**2 for line in meminfo.read_text().splitlines() if line.startswith("MemTotal")),
        None,
    )
    return {
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gib": total,
        "python": platform.python_version(),
        "ran_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def table(rows: list[Row]) -> str:
    header = ("figure", "measured", "floor", "ratio", "target", "met")
    cells = [header, *((r.figure, r.measured, r.floor, r.ratio, r.target, _met(r.met)) for r in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in cells)


def _met(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "MISSED")


def run(size: Size) -> dict[str, Any]:
    steps: list[tuple[str, Callable[[], dict[str, Any]], Callable[[dict[str, Any]], None]]] = [
        ("load", lambda: asyncio.run(load.run(load.CLIENTS, size.load_seconds)), load.report),
        ("escalate", lambda: asyncio.run(escalate.run(size.pages, size.steps)), escalate.report),
        ("fanout", lambda: asyncio.run(fanout.run(size.rooms, size.latency)), fanout.report),
        (
            "replicas",
            lambda: asyncio.run(replicas.run(size.rooms, size.latency, os.environ.get(replicas.SERVER_VARIABLE))),
            replicas.report,
        ),
        ("digest", lambda: digest.run(size.campaigns), digest.report),
        ("ingest", lambda: asyncio.run(ingest.run(size.readings)), ingest.report),
        ("memory", lambda: asyncio.run(memory.run(size.campaigns, size.settle_seconds)), memory.report),
    ]
    results: dict[str, Any] = {}
    for name, measure, report in steps:
        print(f"\n== {name}", flush=True)
        results[name] = measure()
        report(results[name])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small runs, under a minute (the smoke test)")
    parser.add_argument(
        "--json", type=Path, help=f"where to write the results (default {RESULTS}, or {QUICK_RESULTS} with --quick)"
    )
    arguments = parser.parse_args()
    size = QUICK if arguments.quick else FULL
    destination = arguments.json or (QUICK_RESULTS if arguments.quick else RESULTS)
    results = run(size)
    rows = _rows(results)
    about = machine()
    print(f"\n== summary ({'quick' if arguments.quick else 'full'} run; {about['cpus']} CPUs, {about['platform']})")
    print(table(rows))
    destination.write_text(
        json.dumps(
            {
                "quick": arguments.quick,
                "machine": about,
                "size": asdict(size),
                "table": [asdict(r) for r in rows],
                **results,
            },
            indent=2,
        )
    )
    print(f"\nwritten to {destination}")


if __name__ == "__main__":
    main()
