from competition.extensions import db
from competition.notifications import services
from competition.notifications.models import Notification, OutboxMessage
from tests.access import LOGIN, Case, everyone, only, signed_in


def _owned_by_reporter_a(world) -> int:
    """A fresh notification of reporter_a (CS-THPT-HOAAN): only they may open or mark it."""
    notification = Notification(user_id=world.reporter_thpt.id, kind="entry_returned",
                                text="Kết quả bị trả lại", link="/don-vi/")
    db.session.add(notification)
    db.session.commit()
    return notification.id


def _failed_message(world) -> int:
    message = OutboxMessage(user_id=world.reporter_thpt.id, to_address="thpt@example.vn",
                            subject="s", body="b", kind="entry_returned", status="failed")
    db.session.add(message)
    db.session.commit()
    return message.id


def _token(world) -> str:
    world.reporter_bao_lam.email = "blam@example.vn"
    db.session.commit()
    return services.unsubscribe_token(world.reporter_bao_lam)


def _owner_only(ok: int) -> dict:
    return {**signed_in(404), "reporter_a": ok, "anonymous": LOGIN}


def cases(world):
    return [
        Case("notifications.index", "GET", "/thong-bao/", signed_in(200)),
        Case("notifications.open_", "POST",
             lambda world: f"/thong-bao/{_owned_by_reporter_a(world)}/mo", _owner_only(302)),
        Case("notifications.mark_read", "POST",
             lambda world: f"/thong-bao/{_owned_by_reporter_a(world)}/da-doc", _owner_only(302)),
        Case("notifications.mark_all_read", "POST", "/thong-bao/da-doc-het", signed_in(302)),
        Case("notifications.preference", "POST", "/thong-bao/email", signed_in(302),
             data={"email_preference": "digest"}),
        # The unsubscribe link works without signing in, for whoever holds it; a forged one is 404.
        Case("notifications.unsubscribe", "GET",
             lambda world: f"/thong-bao/huy-nhan-email/{_token(world)}", everyone(200)),
        Case("notifications.unsubscribe", "POST", "/thong-bao/huy-nhan-email/gia-mao",
             everyone(404)),
        Case("notifications.outbox_page", "GET", "/thong-bao/hop-thu-di", only("admin")),
        Case("notifications.send_again", "POST",
             lambda world: f"/thong-bao/hop-thu-di/{_failed_message(world)}/gui-lai",
             only("admin", ok=302)),
    ]
