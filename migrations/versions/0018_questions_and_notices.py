"""clarification questions and answers, notices (amendments), their e-mail log, and the follow-e-mails switch

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'challenge_enquiries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('challenge_id', sa.Integer(), nullable=False),
        sa.Column('asker_id', sa.Integer(), nullable=True),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('answered_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'],
                                name=op.f('fk_challenge_enquiries_challenge_id_challenges'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['asker_id'], ['users.id'],
                                name=op.f('fk_challenge_enquiries_asker_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'],
                                name=op.f('fk_challenge_enquiries_answered_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_enquiries')),
    )
    op.create_index(op.f('ix_challenge_enquiries_challenge_id'), 'challenge_enquiries', ['challenge_id'])
    op.create_table(
        'challenge_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('challenge_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('document_url', sa.String(length=500), nullable=False),
        sa.Column('old_deadline', UTCDateTime(timezone=True), nullable=True),
        sa.Column('new_deadline', UTCDateTime(timezone=True), nullable=True),
        sa.Column('old_budget_min', sa.BigInteger(), nullable=True),
        sa.Column('old_budget_max', sa.BigInteger(), nullable=True),
        sa.Column('new_budget_min', sa.BigInteger(), nullable=True),
        sa.Column('new_budget_max', sa.BigInteger(), nullable=True),
        sa.Column('budget_changed', sa.Boolean(), nullable=False),
        sa.Column('published_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'],
                                name=op.f('fk_challenge_notices_challenge_id_challenges'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_challenge_notices_author_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_notices')),
    )
    op.create_index(op.f('ix_challenge_notices_challenge_id'), 'challenge_notices', ['challenge_id'])
    op.create_table(
        'clarification_mails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('item_key', sa.String(length=40), nullable=False),
        sa.Column('outbox_message_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_clarification_mails_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_messages.id'],
                                name=op.f('fk_clarification_mails_outbox_message_id_outbox_messages'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_clarification_mails')),
        sa.UniqueConstraint('user_id', 'item_key', name=op.f('uq_clarification_mails_user_id')),
    )
    with op.batch_alter_table('digest_preferences') as batch:
        batch.add_column(sa.Column('follow_emails', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table('digest_preferences') as batch:
        batch.drop_column('follow_emails')
    op.drop_table('clarification_mails')
    op.drop_index(op.f('ix_challenge_notices_challenge_id'), table_name='challenge_notices')
    op.drop_table('challenge_notices')
    op.drop_index(op.f('ix_challenge_enquiries_challenge_id'), table_name='challenge_enquiries')
    op.drop_table('challenge_enquiries')
