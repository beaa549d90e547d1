"""SMTP sending with the standard library: one connection reused for many messages."""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass

from app.mail.compose import WireMessage
from app.mail.sender import SendFailed


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str = ""
    password: str = ""
    starttls: bool = False
    timeout_s: float = 20.0

    @classmethod
    def from_config(cls, config) -> SmtpSettings:
        return cls(host=config["SMTP_HOST"], port=int(config["SMTP_PORT"]), user=config.get("SMTP_USER", ""),
                   password=config.get("SMTP_PASSWORD", ""), starttls=bool(config.get("SMTP_STARTTLS")),
                   timeout_s=float(config.get("SMTP_TIMEOUT_S", 20)))


class SmtpSender:  # an app.mail.sender.EmailSender
    """Opens the connection on first use, keeps it for the next messages, reconnects after a drop."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
        if s.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if s.user:
            smtp.login(s.user, s.password)
        return smtp

    def send(self, message: WireMessage) -> None:
        """Send one message or raise SendFailed with a reason fit for ``last_error``."""
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            refused = self._smtp.sendmail(message.sender, [message.recipient], message.data)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            self._reset()
            raise SendFailed(_describe(exc), connection_lost=False) from exc
        except (smtplib.SMTPException, OSError) as exc:  # OSError covers refused, reset and timeouts
            self._drop()
            raise SendFailed(_describe(exc), connection_lost=True) from exc
        if refused:
            raise SendFailed(f"recipient refused: {refused}", connection_lost=False)

    def _reset(self) -> None:
        """After a refused message, clear the transaction so the connection can carry the next one."""
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return f"recipient refused: {code} {text.decode(errors='replace')}"
    if isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError, smtplib.SMTPResponseException)):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{type(exc).__name__}: {exc.smtp_code} {text}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
