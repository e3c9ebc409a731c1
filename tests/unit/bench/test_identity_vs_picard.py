"""The identity-vs-Picard benchmark (bench/identity_vs_picard.py) loads and reads its command
line; it runs Picard, so it never runs in the test suite (bench/RESULTS.md holds its result)."""

import os
import subprocess
import sys

from helpers import REPO


def test_identity_benchmark_starts():
    path = os.pathsep.join(str(REPO / p) for p in ("scripts", "tests"))
    done = subprocess.run(
        [sys.executable, REPO / "bench" / "identity_vs_picard.py", "--help"],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=path),
    )
    assert done.returncode == 0, done.stderr
    assert "CrosscheckFingerprints" in done.stdout and "--results" in done.stdout
