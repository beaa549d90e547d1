"""The seam between delivery and the mail server: anything with ``send(WireMessage)`` can deliver the outbox.

``SmtpSender`` (app/mail/smtp.py) talks to a real server; ``InMemorySender`` keeps the messages in a list, for
tests and scripts where a server is not the point.
"""
from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Protocol

from app.mail.compose import WireMessage


class SendFailed(Exception):
    """One message was not accepted; ``connection_lost`` says whether the server is unusable now."""

    def __init__(self, reason: str, *, connection_lost: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.connection_lost = connection_lost


class EmailSender(Protocol):
    """Sends one message, or raises SendFailed with a reason fit for ``last_error``."""

    def send(self, message: WireMessage) -> None: ...


class InMemorySender:
    """Records every message it accepts; refuses the recipients in ``refuse`` as a server would (550)."""

    def __init__(self, refuse: frozenset[str] = frozenset()) -> None:
        self.sent: list[WireMessage] = []
        self.refuse = refuse

    def send(self, message: WireMessage) -> None:
        if message.recipient in self.refuse:
            raise SendFailed(f"recipient refused: 550 {message.recipient}", connection_lost=False)
        self.sent.append(message)

    def parsed(self) -> list[EmailMessage]:
        """The accepted messages as the receiving side reads them (headers decoded, parts walkable)."""
        return [message_from_bytes(m.data, policy=policy.default) for m in self.sent]
