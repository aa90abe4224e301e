"""200 reporters submitting at the same moment through gunicorn: nothing lost, nothing doubled."""

from __future__ import annotations

import pytest

from bench import load
from competition.extensions import db
from tests import factories


@pytest.mark.slow
def test_two_hundred_reporters_submitting_at_once_are_each_stored_exactly_once(
    app, drive, database_uri, tmp_path
):
    criterion_id = factories.criterion(drive, "SK").id
    usernames = load.prepare_reporters(200)
    db.session.commit()
    with load.Server(database_uri, workers=4, env={"UPLOAD_DIR": str(tmp_path / "uploads")},
                     log=tmp_path / "gunicorn.log") as server:
        result = load.run(server.url, usernames, lambda title: load.entry_fields(criterion_id, title))
    print(result.summary())  # the p95 latency, for the CI log (pytest -s)

    assert [o.error for o in result.outcomes if o.error] == []
    assert result.server_errors == []
    assert result.failures == []
    copies = load.stored_copies([o.title for o in result.outcomes])
    assert set(copies.values()) == {1}
