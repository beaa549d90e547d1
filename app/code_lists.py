"""Code lists (sectors, countries, currencies, organisation kinds...) shared by forms, services and templates."""
from __future__ import annotations

from babel import Locale

SECTORS: dict[str, str] = {
    "energy": "Energy",
    "mobility": "Mobility & transport",
    "water": "Water",
    "waste": "Waste & circular economy",
    "buildings": "Buildings & construction",
    "environment": "Environment & climate",
    "health": "Health",
    "safety": "Public safety",
    "governance": "Governance & digital services",
    "education": "Education & social inclusion",
}

BUYER_KINDS: dict[str, str] = {"city": "City", "region": "Region", "agency": "Public agency"}
INNOVATOR_KINDS: dict[str, str] = {
    "startup": "Startup",
    "sme": "SME",
    "large_company": "Large company",
    "research_body": "Research body",
}
ORG_KINDS: dict[str, str] = {**BUYER_KINDS, **INNOVATOR_KINDS}
ORG_SIZES: tuple[str, ...] = ("1-10", "11-50", "51-250", "251-1000", "1000+")

PRICING_MODELS: dict[str, str] = {
    "subscription": "Subscription",
    "licence": "Licence",
    "per_unit": "Per unit",
    "pay_per_use": "Pay per use",
    "service_contract": "Service contract",
    "open_source": "Open source",
}

CURRENCIES: tuple[str, ...] = ("EUR", "GBP", "USD", "NOK", "DKK", "SEK", "CHF", "PLN", "INR", "KRW")

# ISO 3166-1 alpha-2 codes offered in forms; the list covers the countries our users come from.
# ISO 3166-1 alpha-2 codes with their English names, from Babel's CLDR data (maintained upstream, not by
# hand). CLDR also lists regions and reserved codes that are not countries: those are left out.
_NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
COUNTRIES: dict[str, str] = {
    code: name for code, name in sorted(Locale("en").territories.items())
    if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
}

TRL_LABELS: dict[int, str] = {
    1: "Basic principles observed",
    2: "Technology concept formulated",
    3: "Experimental proof of concept",
    4: "Validated in the lab",
    5: "Validated in a relevant environment",
    6: "Demonstrated in a relevant environment",
    7: "Prototype demonstrated in operation",
    8: "System complete and qualified",
    9: "Proven in operational environment",
}


def sector_label(code: str) -> str:
    return SECTORS.get(code, code)


def country_name(code: str | None) -> str:
    return COUNTRIES.get(code or "", code or "")
