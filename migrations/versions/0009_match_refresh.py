"""match_refresh: items whose matches are due, refreshed by a job instead of inside the request

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import app.db

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_refresh',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.String(length=20), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('gave_up_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_refresh')),
    sa.UniqueConstraint('item_kind', 'item_id', name=op.f('uq_match_refresh_item_kind'))
    )
    with op.batch_alter_table('match_refresh', schema=None) as batch_op:
        batch_op.create_index('ix_match_refresh_due', ['gave_up_at', 'next_attempt_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('match_refresh', schema=None) as batch_op:
        batch_op.drop_index('ix_match_refresh_due')
    op.drop_table('match_refresh')
