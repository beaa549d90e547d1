"""Jinja filters and globals: labels for codes, dates, deadlines, query-string links."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, request, url_for
from markdown_it import MarkdownIt
from markupsafe import Markup

from app.code_lists import COUNTRIES, ORG_KINDS, PRICING_MODELS, SECTORS, TRL_LABELS, country_name, sector_label
from app.display_formats import closes_in, money, short_date
from app.services.recommendations.strength import strength_of


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed (filters survive paging)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    # The query string is encoded apart from url_for: visitor-chosen names such as `_method` or `endpoint`
    # would otherwise be read as url_for's own arguments and crash the page.
    path = url_for(request.endpoint, **(request.view_args or {}))
    return f"{path}?{urlencode(args)}" if args else path


# CommonMark with raw HTML off: our own API descriptions only, and any "<" in them is escaped, not markup.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


def markdown_inline(text: str | None) -> Markup:
    """One paragraph of Markdown (`code`, *emphasis*, links) as inline HTML, with no <p> around it."""
    return Markup(_MARKDOWN.renderInline(text or ""))  # noqa: S704 (html=False escapes raw HTML)


def markdown_block(text: str | None) -> Markup:
    """Markdown with paragraphs and lists, as HTML."""
    return Markup(_MARKDOWN.render(text or ""))  # noqa: S704 (html=False escapes raw HTML)


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(
        sector=sector_label, country=country_name, closes_in=closes_in, money=money,
        kind=lambda code: ORG_KINDS.get(code, code), pricing=lambda code: PRICING_MODELS.get(code, code),
        date=short_date, strength=strength_of, markdown=markdown_block, markdown_inline=markdown_inline,
    )
    app.jinja_env.globals.update(
        SECTORS=SECTORS, COUNTRIES=COUNTRIES, TRL_LABELS=TRL_LABELS, url_with=url_with,
    )
