"""Forms for applying, criteria, conflict declaration, scoring and decisions."""
from __future__ import annotations

from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.code_lists import CURRENCIES
from app.security.form_rules import CheckedForm
from app.services.procurement.evaluation import MAX_SCORE, CriterionData
from app.web.line_fields import LineError, number, split_lines


class ApplicationForm(CheckedForm):
    solution_id = SelectField("Your solution", coerce=int, validators=[DataRequired(message="Choose a solution.")])
    approach = TextAreaField("Approach: how your solution answers the challenge",
                             validators=[DataRequired(), Length(max=5000)])
    price_amount = IntegerField("Price indication", validators=[Optional(), NumberRange(min=0, max=10**12)])
    price_currency = SelectField("Currency", choices=[(c, c) for c in CURRENCIES], default="EUR")
    timeline = TextAreaField("Timeline", validators=[DataRequired(), Length(max=1000)])
    proposal_public = BooleanField("Publish my application (organisation, solution and price) as open data")


class CriteriaForm(CheckedForm):
    criteria = TextAreaField("Criteria, one per line: name | weight (1-100) | description",
                             validators=[DataRequired(message="Give at least one criterion.")])

    def parsed(self) -> list[CriterionData] | None:
        """The criteria, or None after adding a field error."""
        try:
            rows = split_lines(self.criteria.data, 2, 3)
            return [CriterionData(name, int(number(weight, n)), description)
                    for n, (name, weight, description) in enumerate(rows, start=1)]
        except LineError as exc:
            self.criteria.errors = list(self.criteria.errors) + [str(exc)]
            return None


class DecisionForm(CheckedForm):
    decision = RadioField("Decision", choices=[("shortlisted", "Shortlist"), ("rejected", "Reject")],
                          validators=[DataRequired(message="Choose shortlist or reject.")])
    reason = TextAreaField("Reason (the applicant reads it)", validators=[DataRequired(), Length(max=1000)])


def score_form(criteria, scores, formdata=None):
    """A form with a score and a comment field per criterion, pre-filled with the evaluator's scores."""

    class ScoreForm(CheckedForm):
        pass

    for criterion in criteria:
        label = f"{criterion.name} (weight {criterion.weight}) — score 0 to {MAX_SCORE}"
        setattr(ScoreForm, f"score_{criterion.id}", IntegerField(
            label, validators=[Optional(), NumberRange(min=0, max=MAX_SCORE)]))
        setattr(ScoreForm, f"comment_{criterion.id}", StringField(
            f"Comment on {criterion.name}", validators=[Optional(), Length(max=2000)]))
    data = {}
    for criterion_id, score in scores.items():
        data[f"score_{criterion_id}"] = score.value
        data[f"comment_{criterion_id}"] = score.comment
    return ScoreForm(formdata=formdata, data=data) if formdata is not None else ScoreForm(data=data)
