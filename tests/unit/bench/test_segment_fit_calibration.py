"""The segment-fit calibration benchmark (bench/segment_fit_calibration.py) loads, reads its
command line and measures a few samples; its full run is a benchmark (bench/RESULTS.md)."""

import os
import subprocess
import sys

from helpers import REPO


def test_segment_fit_calibration_runs_a_few_samples():
    path = os.pathsep.join(str(REPO / p) for p in ("scripts", "bench"))
    done = subprocess.run(
        [sys.executable, REPO / "bench" / "segment_fit_calibration.py", "--repeats", "2"]
        + ["--no-write"],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=path),
    )
    assert done.returncode == 0, done.stderr
    assert "| the demo's relapse plasma, tau 0 | changed segments found, exactly |" in done.stdout
