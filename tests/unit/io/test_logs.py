"""log_to (io/logs.py): stderr goes to the rule's log, and a failure's traceback with it."""

import sys

import pytest

from resistance_timeline.io.logs import log_to


def test_messages_and_the_traceback_of_a_failure_reach_the_log(tmp_path):
    log = tmp_path / "job.log"
    with pytest.raises(ValueError, match="sheet row 3"):
        with log_to(log):
            print("reading the sheet", file=sys.stderr)
            raise ValueError("sheet row 3 is bad")
    text = log.read_text()
    assert "reading the sheet" in text
    assert "Traceback" in text and "ValueError: sheet row 3 is bad" in text
    assert sys.stderr is not None and sys.stderr.name != str(log)
