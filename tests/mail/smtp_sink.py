"""A real SMTP server in the test process (aiosmtpd) that records what it receives and can refuse on demand."""
from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """Stores each accepted message; ``reply`` (e.g. "451 4.3.0 Try later") refuses at DATA instead."""

    def __init__(self) -> None:
        self.reply: str | None = None
        self.envelopes: list = []
        self.sessions: set[int] = set()
        self.on_message = None  # called after each accepted message (fault tests stop the server from it)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        with self._lock:
            self.envelopes.append(envelope)
            self.sessions.add(id(session))
        if self.on_message:
            self.on_message(len(self.envelopes))
        return "250 2.0.0 OK"


class SmtpSink:
    """Start, stop and restart an aiosmtpd server on one fixed loopback port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = RecordingHandler()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(e.original_content, policy=policy.default) for e in self.handler.envelopes]

    def by_recipient(self) -> dict[str, list[EmailMessage]]:
        found: dict[str, list[EmailMessage]] = {}
        for envelope, message in zip(self.handler.envelopes, self.messages, strict=True):
            for rcpt in envelope.rcpt_tos:
                found.setdefault(rcpt, []).append(message)
        return found
