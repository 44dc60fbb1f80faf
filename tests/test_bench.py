"""The benchmark suite's smoke mode, so that it cannot rot: every figure is measured and written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def test_the_quick_benchmark_suite_measures_every_figure(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json", str(results)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    written = json.loads(results.read_text())
    assert written["quick"] is True and written["machine"]["cpus"] >= 1
    assert {"load", "escalate", "fanout", "replicas", "digest", "ingest", "memory"} <= written.keys()
    assert written["load"]["warroom"]["requests"] > 0 and written["load"]["bare_bolt"]["requests"] > 0
    assert written["load"]["warroom"]["errors"] == 0
    assert written["escalate"]["page_latency_ms"]["count"] == 20
    assert written["ingest"]["api_per_second"] > 0 and written["memory"]["idle_mb"] > 0
    assert written["load"]["step_lateness_s"]["count"] > 0
    assert written["fanout"]["rooms"] == 20 and written["fanout"]["page_s"] > 0
    assert written["fanout"]["last_digest_s"] >= written["fanout"]["floor_s"] > 0
    figures = [row["figure"] for row in written["table"]]
    assert len(figures) == 13 and "resident memory, idle" in figures
    assert "== summary (quick run;" in finished.stdout
