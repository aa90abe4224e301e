"""Each area of the app imports on its own, whatever a script imports first.

Scripts (the benchmark's generator, a cron job) import one area without the
app's own order of imports; an import cycle that only that order hides breaks
them (the commendation once reached itself through the public pages' labels).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AREAS = ["competition.commendation", "competition.drives", "competition.standings",
         "competition.lifecycle", "competition.public", "competition.api", "competition.reports"]


@pytest.mark.parametrize("module", AREAS)
def test_an_area_imports_first(module):
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
