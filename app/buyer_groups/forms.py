"""The lead buyer's invitation form."""
from __future__ import annotations

from wtforms import SelectField

from app.security.form_rules import CheckedForm
from app.services.marketplace.buyer_groups import PARTY_ROLES


def _int_or_zero(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class InviteForm(CheckedForm):
    # validate_choice=False: an organisation missing from the list (already a co-owner, say) reaches the service,
    # which says why, instead of WTForms' bare "Not a valid choice".
    organisation_id = SelectField("Organisation", coerce=_int_or_zero, validate_choice=False)
    role = SelectField("Role", choices=list(PARTY_ROLES.items()), default="co_owner", validate_choice=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = []
