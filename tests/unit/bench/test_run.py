"""The benchmark harness (bench/run.py) starts and lists its benchmarks; the benchmarks
themselves never run in the test suite (they measure speed, bench/README.md)."""

import subprocess
import sys

from helpers import REPO


def test_harness_help_lists_every_benchmark():
    done = subprocess.run(
        [sys.executable, REPO / "bench" / "run.py", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    for name in ("planning", "genotyper", "deseq2", "scaling", "--quick"):
        assert name in done.stdout


def test_harness_refuses_an_unknown_benchmark():
    done = subprocess.run(
        [sys.executable, REPO / "bench" / "run.py", "--no-write", "nonsense"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "unknown benchmark(s) nonsense" in done.stderr


def test_benchmark_modules_import():
    done = subprocess.run(  # python -c puts its working directory, bench/, on the path
        [sys.executable, "-c", "import cohorts, harness, planning, scaling"],
        cwd=REPO / "bench",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
