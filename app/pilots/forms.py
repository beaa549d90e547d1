"""Forms for awarding a pilot and recording its progress and outcome."""
from __future__ import annotations

from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.code_lists import CURRENCIES
from app.security.form_rules import CheckedForm
from app.services.procurement.pilot_records import OUTCOMES
from app.services.procurement.pilots import KpiData, MilestoneData
from app.web.line_fields import LineError, day, number, split_lines


class AwardForm(CheckedForm):
    target = SelectField("Award to", validators=[DataRequired(message="Choose an application or a solution.")])
    title = StringField("Pilot title (optional)", validators=[Optional(), Length(max=200)])
    site = StringField("Site", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    contract_value = IntegerField("Contract value", validators=[DataRequired(), NumberRange(min=0, max=10**12)])
    currency = SelectField("Currency", choices=[(c, c) for c in CURRENCIES], default="EUR")
    start_date = DateField("Start date", validators=[DataRequired(message="Give a date (YYYY-MM-DD).")])
    end_date = DateField("End date", validators=[DataRequired(message="Give a date (YYYY-MM-DD).")])
    kpis = TextAreaField("KPIs, one per line: name | unit | baseline | target", validators=[Optional()])
    milestones = TextAreaField("Milestones, one per line: title | due date (YYYY-MM-DD)", validators=[Optional()])
    is_public = BooleanField("Publish this pilot in the public register and open data", default=True)

    def parsed_lists(self) -> tuple[list[KpiData], list[MilestoneData]] | None:
        """KPIs and milestones from the text areas, or None after adding field errors."""
        try:
            kpis = [KpiData(name, unit, number(base, n), number(target, n))
                    for n, (name, unit, base, target) in enumerate(split_lines(self.kpis.data, 4, 4), start=1)]
        except LineError as exc:
            self.kpis.errors = list(self.kpis.errors) + [str(exc)]
            return None
        try:
            milestones = [MilestoneData(title, day(due, n))
                          for n, (title, due) in enumerate(split_lines(self.milestones.data, 2, 2), start=1)]
        except LineError as exc:
            self.milestones.errors = list(self.milestones.errors) + [str(exc)]
            return None
        return kpis, milestones


class StatusForm(CheckedForm):
    status = SelectField("New status", choices=[("running", "Start (running)"), ("completed", "Completed"),
                                                ("cancelled", "Cancel")])
    reason = StringField("Reason (needed to cancel)", validators=[Optional(), Length(max=1000)])


class MilestoneForm(CheckedForm):
    milestone_id = SelectField("Milestone", coerce=int)
    completed_on = DateField("Completed on", validators=[DataRequired(message="Give a date (YYYY-MM-DD).")])


class MeasurementForm(CheckedForm):
    kpi_id = SelectField("KPI", coerce=int)
    measured_on = DateField("Measured on", validators=[DataRequired(message="Give a date (YYYY-MM-DD).")])
    value = DecimalField("Value", validators=[DataRequired(message="Give the measured value.")])
    note = StringField("Note", validators=[Optional(), Length(max=500)])


class SpendForm(CheckedForm):
    spent_on = DateField("Paid on", validators=[DataRequired(message="Give a date (YYYY-MM-DD).")])
    amount = IntegerField("Amount", validators=[DataRequired(), NumberRange(min=1, max=10**12)])
    description = StringField("What for", validators=[Optional(), Length(max=300)])


class EvaluationForm(CheckedForm):
    outcome = SelectField("Outcome", choices=[("", "Choose")] + list(OUTCOMES.items()),
                          validators=[DataRequired(message="Choose an outcome.")])
    rating = SelectField("Rating", choices=[("", "Choose")] + [(str(n), f"{n} of 5") for n in range(1, 6)],
                         validators=[DataRequired(message="Rate the pilot from 1 to 5.")])
    lessons_learned = TextAreaField("Lessons learned (published)", validators=[DataRequired(), Length(max=5000)])
    follow_on_purchase = BooleanField("A follow-on purchase was made")
    follow_on_value = IntegerField("Follow-on purchase value", validators=[Optional(), NumberRange(min=1, max=10**12)])
