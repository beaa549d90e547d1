"""Turn a stored outbox message into the bytes sent over SMTP: multipart/alternative, headers built safely.

The message is written directly as RFC 5322 / MIME bytes (CRLF line ends) instead of through the email
package's generator, whose header folding and flattening cost more than everything else in delivery. The
structure is fixed and small: top-level headers, then a text/plain and (when there is HTML) a text/html part,
both UTF-8 in base64 (C-speed; lines of 76 characters). Safety does not depend on the email package: every
header value is folded to one line first (``single_line``) and refused if a line break survives, addresses
go through ``formataddr`` (names are quoted or RFC 2047-encoded, addresses must be ASCII), non-ASCII or
over-long values are RFC 2047-encoded and folded by ``email.header.Header`` (continuation lines start with a
space, so they cannot start a header), and only allow-listed extra headers are copied. The boundary contains
"=_", which base64 text can never contain, so no body line can end a part early.
"""
from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr

from app.mail.outbox import single_line

# Headers a stored message may carry; anything else (e.g. a forged "Bcc") is dropped.
ALLOWED_EXTRA_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "Reply-To", "Auto-Submitted")
# RFC 5322's line limit (998), so a long List-Unsubscribe URL stays on the header's first line as clients expect.
MAX_LINE = 998
CRLF = "\r\n"


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


@dataclass(frozen=True)
class WireMessage:
    """A message ready for SMTP: the envelope sender and recipient, and the message bytes (CRLF line ends)."""

    sender: str
    recipient: str
    data: bytes


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
    return formataddr((name, addr), charset="utf-8")  # raises UnicodeEncodeError for a non-ASCII address


def header_line(name: str, value: str) -> str:
    """``Name: value`` on one line when it is ASCII and fits; otherwise RFC 2047-encoded and folded."""
    line = f"{name}: {value}"
    if value.isascii() and len(line) <= MAX_LINE:
        return line
    if name == "Subject" and not value.isascii():  # encoded words stay within 76 characters a line (RFC 2047)
        return f"{name}: " + Header(value, "utf-8", header_name=name).encode(linesep=CRLF)
    return f"{name}: " + Header(value, header_name=name).encode(linesep=CRLF, maxlinelen=MAX_LINE)


def _part(body: str, subtype: str) -> str:
    encoded = base64.encodebytes(body.encode("utf-8")).decode("ascii").replace("\n", CRLF) or CRLF
    return (f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}Content-Transfer-Encoding: base64{CRLF}{CRLF}'
            f"{encoded}")


def _headers(mail: OutgoingMail, sender_name: str, sender_addr: str) -> list[str]:
    domain = sender_addr.rpartition("@")[2] or "civimatch.invalid"
    lines = [
        header_line("From", address(sender_name, sender_addr)),
        header_line("To", address(mail.to_name, mail.to_address)),
        header_line("Subject", header_value(mail.subject)),
        f"Date: {formatdate(localtime=False)}",
        # Stable per outbox row: if a crash ever made us send a message twice, clients can collapse the copies.
        f"Message-ID: <outbox-{mail.id}@{domain}>",
    ]
    lines += [header_line(name, header_value(mail.headers[name])) for name in ALLOWED_EXTRA_HEADERS
              if mail.headers.get(name)]
    return lines


def build_message(mail: OutgoingMail, mail_from: str) -> WireMessage:
    """A multipart/alternative message (text, then HTML; multipart/mixed with the text alone when there is no
    HTML), ready for ``SmtpSender.send``. Raises ValueError when an address or header cannot be written safely."""
    sender_name, sender_addr = parseaddr(mail_from)
    boundary = f"=_{uuid.uuid4().hex}"
    subtype = "alternative" if mail.html_body else "mixed"
    parts = [_part(mail.text_body, "plain")] + ([_part(mail.html_body, "html")] if mail.html_body else [])
    head = _headers(mail, sender_name, sender_addr) + [
        "MIME-Version: 1.0", f'Content-Type: multipart/{subtype}; boundary="{boundary}"']
    body = "".join(f"--{boundary}{CRLF}{part}" for part in parts) + f"--{boundary}--{CRLF}"
    data = (CRLF.join(head) + CRLF + CRLF + body).encode("ascii")
    return WireMessage(sender=header_value(sender_addr), recipient=header_value(mail.to_address), data=data)
