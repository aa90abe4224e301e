"""Faults: a worker killed in the middle of a verification, an upload folder that cannot be written."""

from __future__ import annotations

import io
import os
import signal
import threading
import time

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select

from bench import load
from competition import lifecycle, standings
from competition.extensions import db
from competition.faults import ENVIRONMENT_VARIABLE
from competition.models import AuditEvent, CriterionTally, Entry, Evidence
from tests import factories

PAUSE_DEADLINE = 60.0


def tallies() -> dict[tuple[int, int], tuple[int, int]]:
    return {(t.unit_id, t.criterion_id): (t.quantity, t.items)
            for t in db.session.scalars(select(CriterionTally).where(CriterionTally.items > 0))}


def wait_for(marker, worker: threading.Thread) -> int:
    """The pid the paused worker wrote (polling for the file: the pause has no other signal)."""
    deadline = time.monotonic() + PAUSE_DEADLINE
    while not marker.exists() or not marker.read_text():
        assert worker.is_alive(), "the verification finished without reaching the pause"
        assert time.monotonic() < deadline, "the worker never reached the pause"
        time.sleep(0.05)
    return int(marker.read_text())


@pytest.mark.slow
def test_a_worker_killed_in_the_middle_of_a_verification_leaves_the_entry_untouched(
    app, world, database_uri, tmp_path
):
    criterion = factories.criterion(world.drive, "SK")
    factories.entry(world.hoa_an, criterion, 2, status="verified")
    entry = factories.entry(world.hoa_an, criterion, 3, status="submitted")
    entry_id, version, counted_before = entry.id, entry.version, tallies()
    entry_events = select(AuditEvent.action).where(AuditEvent.object_type == "entry",
                                                   AuditEvent.object_id == str(entry.id))
    events_before = db.session.scalars(entry_events).all()
    marker = tmp_path / "paused-in-verify"
    # End the test's own transaction and touch no model until the server is gone: outside a
    # request every SQLite transaction takes the write lock, and the worker would wait for it.
    db.session.commit()

    with load.Server(database_uri, workers=1, log=tmp_path / "gunicorn.log",
                     env={ENVIRONMENT_VARIABLE: f"verify:{marker}",
                          "UPLOAD_DIR": str(tmp_path / "uploads")}) as server:
        judge = load.Reporter(server.url)
        judge.sign_in("thamdinh1", factories.PASSWORD)
        token = judge.token(f"/tham-dinh/ket-qua/{entry_id}")
        answers: list[object] = []

        def verify() -> None:
            try:
                answers.append(judge.http.post(
                    f"/tham-dinh/ket-qua/{entry_id}/xac-nhan",
                    data={"csrf_token": token, "version": str(version), "quantity": "3", "reason": ""}))
            except httpx.TransportError as error:
                answers.append(error)

        request = threading.Thread(target=verify)
        request.start()
        os.kill(wait_for(marker, request), signal.SIGKILL)
        request.join(timeout=PAUSE_DEADLINE)
        judge.close()
    assert len(answers) == 1 and isinstance(answers[0], httpx.TransportError)  # the worker died

    db.session.expire_all()
    fresh = db.session.get(Entry, entry_id)
    assert (fresh.status, fresh.version, fresh.verified_at, fresh.decided_by_id) == (
        "submitted", version, None, None)
    assert db.session.scalars(entry_events).all() == events_before
    assert tallies() == counted_before
    standings.rebuild(world.drive)
    db.session.commit()
    assert tallies() == counted_before

    # Nothing stays locked: the same verification goes through afterwards.
    lifecycle.verify(fresh, world.judge, expected_version=version)
    lifecycle.commit_transition(fresh)
    assert tallies()[(world.hoa_an.id, criterion.id)] == (5, 2)


def png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def test_an_upload_folder_that_cannot_be_created_gives_a_clear_error_and_saves_nothing(
    app, world, visitor, tmp_path
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the upload folder's parent should be")
    app.config["UPLOAD_DIR"] = str(blocker / "uploads")  # uncreatable, even for root
    visitor.login("hoaan")
    fields = load.entry_fields(factories.criterion(world.drive, "SK").id, "Có tệp minh chứng")
    response = visitor.post(load.FORM_PATH, {**fields, "files": (png(), "anh.png")},
                            token_from=load.FORM_PATH, content_type="multipart/form-data")

    assert response.status_code == 503
    assert "Máy chủ không lưu được tệp minh chứng lúc này" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0
    assert db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("entry.%"))).all() == []
