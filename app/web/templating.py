"""Jinja filters and globals: labels for codes, dates, deadlines, query-string links."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, request, url_for

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


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(
        sector=sector_label, country=country_name, closes_in=closes_in, money=money,
        kind=lambda code: ORG_KINDS.get(code, code), pricing=lambda code: PRICING_MODELS.get(code, code),
        date=short_date, strength=strength_of,
    )
    app.jinja_env.globals.update(
        SECTORS=SECTORS, COUNTRIES=COUNTRIES, TRL_LABELS=TRL_LABELS, url_with=url_with,
    )
