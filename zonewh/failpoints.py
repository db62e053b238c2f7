"""Failpoints: named places where the fault tests stop a run the hard way.

`ZONEWH_FAILPOINT=<name>` kills the process with SIGKILL when it reaches `<name>`;
`<name>:sleep=<seconds>` pauses there instead (to start a second run meanwhile). Unset (as
always outside the fault tests), `reached()` costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
import time


def reached(name: str) -> None:
    """Stop or pause here if the environment names this failpoint."""
    spec = os.environ.get("ZONEWH_FAILPOINT")
    if not spec:
        return
    point, _, pause = spec.partition(":sleep=")
    if point != name:
        return
    if pause:
        time.sleep(float(pause))
        return
    os.kill(os.getpid(), signal.SIGKILL)
