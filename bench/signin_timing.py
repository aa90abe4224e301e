"""Sign-in timing: does a failure take as long for an unknown name as for a real account?

A guesser who can tell "no such account" from "wrong password" by the time
the answer takes learns which names to attack. This signs failing attempts
in through the real sign-in view (test client, temporary SQLite database,
the throttle raised out of the way) for a real account hashed as the product
hashes, a deactivated one and an unknown name, and prints the median times.

    .venv/bin/python -m bench.signin_timing            # 15 attempts of each kind
    .venv/bin/python -m bench.signin_timing --attempts 40
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=15)
    args = parser.parse_args()

    import flask_migrate

    from competition import create_app
    from competition.extensions import db
    from competition.models import Role, User

    folder = Path(tempfile.mkdtemp(prefix="thidua-signin-"))
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}", "SECRET_KEY": "bench",
        "REDIS_URL": "", "LOGIN_LIMIT_ACCOUNT": "10000 per minute",
        "LOGIN_LIMIT_ADDRESS": "10000 per minute", "UPLOAD_DIR": str(folder / "uploads"),
    })
    with app.app_context():
        flask_migrate.upgrade()
        for name, active in (("that-tai-khoan", True), ("da-khoa", False)):
            user = User(username=name, role=Role.JUDGE, full_name=name, active=active)
            user.set_password("mat-khau-rat-dai-2021")  # werkzeug's default hashing
            db.session.add(user)
        db.session.commit()
    client = app.test_client()
    token = TOKEN.search(client.get("/tai-khoan/dang-nhap").get_data(as_text=True)).group(1)
    names = {"real account, wrong password": "that-tai-khoan",
             "deactivated account": "da-khoa", "unknown name": "khong-co-ai"}
    times: dict[str, list[float]] = {label: [] for label in names}
    for _round in range(args.attempts):
        for label, name in names.items():  # interleaved, so drift hits every kind alike
            started = time.perf_counter()
            response = client.post("/tai-khoan/dang-nhap", data={
                "username": name, "password": "sai-mat-khau", "csrf_token": token})
            times[label].append(time.perf_counter() - started)
            assert response.status_code == 401, response.status_code
    print(f"failed sign-ins, {args.attempts} of each kind (median, ms):")
    medians = {label: statistics.median(values) * 1000 for label, values in times.items()}
    for label, value in medians.items():
        print(f"  {label:<30} {value:8.1f}")
    print(f"  ratio longest/shortest          {max(medians.values()) / min(medians.values()):8.2f}")


if __name__ == "__main__":
    main()
