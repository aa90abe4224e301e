"""The app writes only where it is told: a read-only checkout runs with DATABASE_URL and SECRET_KEY."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ("app.py", "competition", "templates", "static", "migrations", "translations", "examples")

SERVE_ONE_PAGE = """
from app import app
from competition.extensions import db
from flask_migrate import upgrade
with app.app_context():
    upgrade()
client = app.test_client()
response = client.get("/")
print(response.status_code, app.instance_path)
"""


def _checkout(tmp_path: Path) -> Path:
    """A copy of the code with every file and folder read-only (what a packaged deploy has)."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in CODE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, checkout / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, checkout / name)
    for path in [checkout, *checkout.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return checkout


def _run(checkout: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DATABASE_URL", "SECRET_KEY", "INSTANCE_PATH", "UPLOAD_DIR")}
    return subprocess.run(
        [sys.executable, "-c", SERVE_ONE_PAGE], cwd=checkout, capture_output=True, text=True,
        env={**clean, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(checkout), **env},
        timeout=120,
    )


def _written(checkout: Path) -> set[str]:
    return {str(p.relative_to(checkout)).split(os.sep)[0] for p in checkout.iterdir()} - set(CODE)


def test_with_a_database_url_and_a_secret_key_nothing_is_written_beside_the_code(tmp_path):
    checkout = _checkout(tmp_path)
    database = tmp_path / "data" / "thidua.sqlite"
    database.parent.mkdir()
    done = _run(checkout, {"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "k" * 32})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "200"
    assert _written(checkout) == set()  # no instance/ folder, nothing else
    assert database.exists()


def test_instance_path_moves_the_default_database_and_key(tmp_path):
    checkout = _checkout(tmp_path)
    elsewhere = tmp_path / "var" / "thidua"
    done = _run(checkout, {"INSTANCE_PATH": str(elsewhere)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["200", str(elsewhere)]
    assert (elsewhere / "thidua.sqlite").exists() and (elsewhere / "secret_key").exists()
    assert _written(checkout) == set()
