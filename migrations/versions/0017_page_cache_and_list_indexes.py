"""page cache version counter; indexes for the public lists' filters and sorts and the match pages

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'content_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('changed_at', UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_versions')),
    )
    op.execute("INSERT INTO content_versions (id, version, changed_at) VALUES (1, 0, CURRENT_TIMESTAMP)")
    # The public lists filter on one status and sort newest first.
    op.create_index('ix_challenges_status_published', 'challenges', ['status', 'published_at'], unique=False)
    op.create_index('ix_solutions_status_published', 'solutions', ['status', 'published_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_solutions_status_published', table_name='solutions')
    op.drop_index('ix_challenges_status_published', table_name='challenges')
    op.drop_table('content_versions')
