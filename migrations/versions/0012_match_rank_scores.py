"""matches: a rank score per side (feedback reorders a list; ``score`` stays the pair's own)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

COLUMNS = ('rank_score_for_challenge', 'rank_score_for_solution')


def upgrade() -> None:
    with op.batch_alter_table('matches', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))
    # Stored rows are ordered as before until the next rebuild: by their score.
    op.execute(sa.text('UPDATE matches SET rank_score_for_challenge = score, rank_score_for_solution = score'))
    with op.batch_alter_table('matches', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.alter_column(name, existing_type=sa.Float(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('matches', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
