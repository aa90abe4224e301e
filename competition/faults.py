"""Fault injection for the durability tests: stop a worker at a named point inside a transaction.

With `THIDUA_FAULT_PAUSE=<point>:<marker path>` in the environment, the worker
that reaches `pause(<point>)` flushes its pending writes to the database (so
they are really there, uncommitted), writes its process id to the marker file
and blocks until it is killed. A test waits for the marker, kills the worker
with SIGKILL and checks that the database kept all of the action or none of
it. Unset (always, in production) the hook costs one environment lookup.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from competition.extensions import db

ENVIRONMENT_VARIABLE = "THIDUA_FAULT_PAUSE"


def pause(point: str) -> None:
    spec = os.environ.get(ENVIRONMENT_VARIABLE, "")
    name, _sep, marker = spec.partition(":")
    if not marker or name != point:
        return
    db.session.flush()
    Path(marker).write_text(str(os.getpid()))
    threading.Event().wait()  # never set: only SIGKILL ends this worker
