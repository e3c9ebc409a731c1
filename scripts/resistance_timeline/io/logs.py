"""What every rule entry does first: send the script's messages to the rule's log file."""

import contextlib
import sys
import traceback


@contextlib.contextmanager
def log_to(path):
    """Redirect ``sys.stderr`` to ``path`` for the duration; yields the open log file.

    Rule scripts print progress and warnings to stderr; Snakemake keeps the log per job
    (``logs/<rule>/<wildcards>.log``). ``sys.__stderr__`` still reaches the console, for
    warnings a user must see (a likely sample swap, a strandedness mismatch). An exception's
    traceback is written to the log before it propagates, so a failed job's log says why.
    """
    with open(path, "w") as log:
        saved, sys.stderr = sys.stderr, log
        try:
            yield log
        except BaseException:
            traceback.print_exc(file=log)
            log.flush()
            raise
        finally:
            sys.stderr = saved
