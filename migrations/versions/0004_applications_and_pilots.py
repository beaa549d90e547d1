"""applications, evaluation, pilot purchases (written for these tables only)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa
import app.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('solution_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('approach', sa.Text(), nullable=False),
    sa.Column('price_amount', sa.BigInteger(), nullable=True),
    sa.Column('price_currency', sa.String(length=3), nullable=False),
    sa.Column('timeline', sa.String(length=1000), nullable=False),
    sa.Column('proposal_public', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_reason', sa.String(length=1000), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_applications_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_applications_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['solution_id'], ['solutions.id'], name=op.f('fk_applications_solution_id_solutions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_applications_submitted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('challenge_id', 'solution_id', name=op.f('uq_applications_challenge_id'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_solution_id'), ['solution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_status'), ['status'], unique=False)

    op.create_table('conflict_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('declared_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_conflict_declarations_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_conflict_declarations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_declarations')),
    sa.UniqueConstraint('challenge_id', 'user_id', name=op.f('uq_conflict_declarations_challenge_id'))
    )
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_declarations_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflict_declarations_user_id'), ['user_id'], unique=False)

    op.create_table('evaluation_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_evaluation_criteria_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_criteria'))
    )
    with op.batch_alter_table('evaluation_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_criteria_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('pilots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('solution_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('awarded_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('site', sa.String(length=200), nullable=False),
    sa.Column('contract_value', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cancel_reason', sa.String(length=1000), nullable=False),
    sa.Column('awarded_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status_changed_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('lessons_learned', sa.Text(), nullable=False),
    sa.Column('follow_on_purchase', sa.Boolean(), nullable=False),
    sa.Column('follow_on_value', sa.BigInteger(), nullable=True),
    sa.Column('evaluated_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_pilots_application_id_applications')),
    sa.ForeignKeyConstraint(['awarded_by_id'], ['users.id'], name=op.f('fk_pilots_awarded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['buyer_id'], ['organisations.id'], name=op.f('fk_pilots_buyer_id_organisations')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_pilots_challenge_id_challenges')),
    sa.ForeignKeyConstraint(['solution_id'], ['solutions.id'], name=op.f('fk_pilots_solution_id_solutions')),
    sa.ForeignKeyConstraint(['supplier_id'], ['organisations.id'], name=op.f('fk_pilots_supplier_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilots')),
    sa.UniqueConstraint('application_id', name=op.f('uq_pilots_application_id'))
    )
    with op.batch_alter_table('pilots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilots_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilots_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilots_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilots_solution_id'), ['solution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilots_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilots_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('score_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('evaluator_id', sa.Integer(), nullable=False),
    sa.Column('old_value', sa.Integer(), nullable=True),
    sa.Column('new_value', sa.Integer(), nullable=False),
    sa.Column('old_comment', sa.Text(), nullable=False),
    sa.Column('new_comment', sa.Text(), nullable=False),
    sa.Column('changed_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_score_changes_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['criterion_id'], ['evaluation_criteria.id'], name=op.f('fk_score_changes_criterion_id_evaluation_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['evaluator_id'], ['users.id'], name=op.f('fk_score_changes_evaluator_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_changes'))
    )
    with op.batch_alter_table('score_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_changes_application_id'), ['application_id'], unique=False)

    op.create_table('scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('evaluator_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_scores_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['criterion_id'], ['evaluation_criteria.id'], name=op.f('fk_scores_criterion_id_evaluation_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['evaluator_id'], ['users.id'], name=op.f('fk_scores_evaluator_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scores')),
    sa.UniqueConstraint('application_id', 'criterion_id', 'evaluator_id', name=op.f('uq_scores_application_id'))
    )
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scores_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scores_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scores_evaluator_id'), ['evaluator_id'], unique=False)

    op.create_table('pilot_kpis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pilot_kpis_pilot_id_pilots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_kpis'))
    )
    with op.batch_alter_table('pilot_kpis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_kpis_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('pilot_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pilot_milestones_pilot_id_pilots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_milestones'))
    )
    with op.batch_alter_table('pilot_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_milestones_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('pilot_spend',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('recorded_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pilot_spend_pilot_id_pilots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_spend'))
    )
    with op.batch_alter_table('pilot_spend', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_spend_pilot_id'), ['pilot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilot_spend_spent_on'), ['spent_on'], unique=False)

    op.create_table('kpi_measurements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('recorded_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kpi_id'], ['pilot_kpis.id'], name=op.f('fk_kpi_measurements_kpi_id_pilot_kpis'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_measurements'))
    )
    with op.batch_alter_table('kpi_measurements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_measurements_kpi_id'), ['kpi_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('kpi_measurements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_measurements_kpi_id'))

    op.drop_table('kpi_measurements')
    with op.batch_alter_table('pilot_spend', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_spend_spent_on'))
        batch_op.drop_index(batch_op.f('ix_pilot_spend_pilot_id'))

    op.drop_table('pilot_spend')
    with op.batch_alter_table('pilot_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_milestones_pilot_id'))

    op.drop_table('pilot_milestones')
    with op.batch_alter_table('pilot_kpis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_kpis_pilot_id'))

    op.drop_table('pilot_kpis')
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scores_evaluator_id'))
        batch_op.drop_index(batch_op.f('ix_scores_criterion_id'))
        batch_op.drop_index(batch_op.f('ix_scores_application_id'))

    op.drop_table('scores')
    with op.batch_alter_table('score_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_changes_application_id'))

    op.drop_table('score_changes')
    with op.batch_alter_table('pilots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilots_supplier_id'))
        batch_op.drop_index(batch_op.f('ix_pilots_status'))
        batch_op.drop_index(batch_op.f('ix_pilots_solution_id'))
        batch_op.drop_index(batch_op.f('ix_pilots_outcome'))
        batch_op.drop_index(batch_op.f('ix_pilots_challenge_id'))
        batch_op.drop_index(batch_op.f('ix_pilots_buyer_id'))

    op.drop_table('pilots')
    with op.batch_alter_table('evaluation_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_criteria_challenge_id'))

    op.drop_table('evaluation_criteria')
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_declarations_user_id'))
        batch_op.drop_index(batch_op.f('ix_conflict_declarations_challenge_id'))

    op.drop_table('conflict_declarations')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_status'))
        batch_op.drop_index(batch_op.f('ix_applications_solution_id'))
        batch_op.drop_index(batch_op.f('ix_applications_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_applications_challenge_id'))

    op.drop_table('applications')
