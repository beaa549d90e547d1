"""Compose a digest e-mail: subject, text + HTML parts from templates, and RFC 8058 unsubscribe headers."""
from __future__ import annotations

from dataclasses import dataclass

from app.mail.links import EmailLinks
from app.mail.rendering import render_email
from app.signed_links import make_token

UNSUBSCRIBE_PURPOSE = "unsubscribe"  # read back by app.services.digests.preferences


@dataclass(frozen=True)
class ComposedEmail:
    subject: str
    text: str
    html: str
    headers: dict[str, str]


def unsubscribe_token(secret: str, user_id: int) -> str:
    return make_token(secret, UNSUBSCRIBE_PURPOSE, {"u": user_id})


def _entry_link(links: EmailLinks, entry) -> str:
    if entry.kind == "solution":
        return links.url("solutions.detail", solution_id=entry.target_id)
    return links.url("challenges.detail", challenge_id=entry.target_id)


def subject_for(recipient, content) -> str:
    parts = []
    if content.matches:
        noun = "challenge" if recipient.side == "innovator" else "solution"
        count = len(content.matches) + content.more_matches
        parts.append(f"{count} new {noun}{'s' if count != 1 else ''} for you")
    if content.applications:
        parts.append(f"{len(content.applications)} new application{'s' if len(content.applications) != 1 else ''}")
    if content.deadlines:
        parts.append(f"{len(content.deadlines)} deadline{'s' if len(content.deadlines) != 1 else ''} coming up")
    return "CiviMatch digest: " + ", ".join(parts)


def unsubscribe_headers(unsubscribe_url: str, unsubscribe_mailto: str = "") -> dict[str, str]:
    """RFC 2369 List-Unsubscribe (URL, plus mailto when configured) and RFC 8058 one-click POST."""
    targets = [f"<{unsubscribe_url}>"]
    if unsubscribe_mailto:
        targets.append(f"<mailto:{unsubscribe_mailto}?subject=unsubscribe>")
    return {"List-Unsubscribe": ", ".join(targets), "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def compose_digest(recipient, content, links: EmailLinks, *, secret: str,
                   unsubscribe_mailto: str = "") -> ComposedEmail:
    """Render the digest for one recipient; ``secret`` signs the unsubscribe link. Needs no app context."""
    unsubscribe_url = links.url("digests.unsubscribe", token=unsubscribe_token(secret, recipient.user_id))
    context = {
        "recipient": recipient, "content": content,
        "entry_links": {entry.key: _entry_link(links, entry) for entry in content.entries},
        "settings_url": links.url("digests.settings"),
        "more_url": links.url(links.first_endpoint("matches.overview", "main.dashboard")),
        "unsubscribe_url": unsubscribe_url,
    }
    text, html = render_email("digest", **context)
    return ComposedEmail(subject=subject_for(recipient, content), text=text, html=html,
                         headers=unsubscribe_headers(unsubscribe_url, unsubscribe_mailto))
