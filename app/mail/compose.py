"""Turn a stored outbox message into a MIME message: multipart/alternative, headers built safely."""
from __future__ import annotations

from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from app.mail.outbox import single_line

# Headers a stored message may carry; anything else (e.g. a forged "Bcc") is dropped.
# RFC 5322's hard limit: with the default 78 a long List-Unsubscribe URL would be RFC 2047-encoded,
# which mail clients do not decode for that header (the one-click button would disappear).
MAIL_POLICY = policy.SMTP.clone(max_line_length=998)
ALLOWED_EXTRA_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "Reply-To", "Auto-Submitted")


@dataclass(frozen=True)
class OutgoingMail:
    """What delivery needs from an outbox row, detached from the database session."""

    id: int
    to_address: str
    to_name: str
    subject: str
    text_body: str
    html_body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    attempts: int = 0  # tries so far, read under the delivery claim


def address(display_name: str, addr_spec: str) -> Address:
    """An Address object: the email package quotes/encodes the name, so it can never break the header."""
    return Address(display_name=single_line(display_name), addr_spec=single_line(addr_spec))


def sender_address(mail_from: str) -> Address:
    name, addr = parseaddr(mail_from)
    return address(name, addr)


def build_message(mail: OutgoingMail, mail_from: str) -> EmailMessage:
    """A MIME message; EmailMessage refuses CR/LF in header values, single_line folds them first anyway."""
    sender = sender_address(mail_from)
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = sender
    message["To"] = address(mail.to_name, mail.to_address)
    message["Subject"] = single_line(mail.subject)
    message["Date"] = formatdate(localtime=False)
    # Stable per outbox row: if a crash ever made us send a message twice, clients can collapse the copies.
    message["Message-ID"] = f"<outbox-{mail.id}@{sender.domain or 'civimatch.invalid'}>"
    for name in ALLOWED_EXTRA_HEADERS:
        if mail.headers.get(name):
            message[name] = single_line(mail.headers[name])
    message.set_content(mail.text_body)
    if mail.html_body:
        message.add_alternative(mail.html_body, subtype="html")
    return message
