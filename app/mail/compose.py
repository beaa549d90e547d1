"""Turn a stored outbox message into a MIME message: multipart/alternative, headers built safely.

Built with the email package's compat32 MIME classes: parsing every header through the modern header
registry cost ~6 ms a message, which alone would take a minute for 10,000 digests. Safety does not depend on
the policy: every header value is folded to one line first (``single_line``), refused if a line break survives,
addresses go through ``formataddr`` (names are quoted or RFC 2047-encoded), and only allow-listed extra
headers are copied.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from email import policy
from email.charset import BASE64, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import formataddr, formatdate, parseaddr

from app.mail.outbox import single_line

# Headers a stored message may carry; anything else (e.g. a forged "Bcc") is dropped.
ALLOWED_EXTRA_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "Reply-To", "Auto-Submitted")
# RFC 5322's line limit (998), so a long List-Unsubscribe URL stays on the header's first line as clients expect.
MAIL_POLICY = policy.compat32.clone(max_line_length=998)
UTF8 = Charset("utf-8")
UTF8.body_encoding = BASE64  # C-speed encoding; quoted-printable cost ~1 ms a message


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


def header_value(value: str) -> str:
    """One line, always: a CR or LF in a header value could start a new (injected) header."""
    folded = single_line(value)
    if "\r" in folded or "\n" in folded:
        raise ValueError("line break in a header value")
    return folded


def address(display_name: str, addr_spec: str) -> str:
    name = header_value(display_name)
    addr = header_value(addr_spec)
    if "<" in addr or ">" in addr or "," in addr:
        raise ValueError(f"not a single address: {addr!r}")
    return formataddr((name, addr), charset="utf-8")


def _part(body: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype, policy=MAIL_POLICY)
    part.set_payload(body, charset=UTF8)
    return part


def build_message(mail: OutgoingMail, mail_from: str) -> MIMEMultipart:
    """A multipart/alternative message (text, then HTML) ready for ``smtplib.send_message``."""
    sender_name, sender_addr = parseaddr(mail_from)
    message = MIMEMultipart("alternative" if mail.html_body else "mixed", policy=MAIL_POLICY)
    message["From"] = address(sender_name, sender_addr)
    message["To"] = address(mail.to_name, mail.to_address)
    message["Subject"] = Header(header_value(mail.subject), "utf-8").encode() if not mail.subject.isascii() \
        else header_value(mail.subject)
    message["Date"] = formatdate(localtime=False)
    # Stable per outbox row: if a crash ever made us send a message twice, clients can collapse the copies.
    message["Message-ID"] = f"<outbox-{mail.id}@{sender_addr.rpartition('@')[2] or 'civimatch.invalid'}>"
    for name in ALLOWED_EXTRA_HEADERS:
        if mail.headers.get(name):
            message[name] = header_value(mail.headers[name])
    message.attach(_part(mail.text_body, "plain"))
    if mail.html_body:
        message.attach(_part(mail.html_body, "html"))
    return message
