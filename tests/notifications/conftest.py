"""A real SMTP server in the test process (aiosmtpd) and the settings that point the app at it."""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import Message

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """What the SMTP server accepted, in order: (recipients, parsed message)."""

    received: list[tuple[list[str], Message]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.received.append((list(envelope.rcpt_tos), email.message_from_bytes(
            envelope.content, policy=email.policy.default)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [message for recipients, message in self.received if address in recipients]

    def recipients(self) -> list[str]:
        return sorted(address for recipients, _ in self.received for address in recipients)


class SmtpServer:
    """An SMTP server that can be stopped and started again on the same port (down, then up)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app):
    """A running SMTP server on a free port, with the app's MAIL_* settings pointing at it."""
    server = SmtpServer(free_port())
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port,
                      MAIL_USE_TLS=False, MAIL_USERNAME=None, MAIL_PASSWORD=None,
                      MAIL_DEFAULT_SENDER="thidua@ldld.caobang.vn", MAIL_TIMEOUT=5,
                      SITE_URL="https://thidua.example.vn")
    server.start()
    yield server
    server.stop()


def body(message: Message) -> str:
    """The plain-text body of an email, decoded."""
    return message.get_content().replace("\r\n", "\n")


@pytest.fixture
def admin_visitor(world, make_visitor):
    visitor = make_visitor()
    visitor.login("admin")
    return visitor
