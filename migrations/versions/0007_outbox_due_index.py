"""outbox: one (status, next_attempt_at) index for delivery's claim instead of the status index

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.drop_index(batch_op.f('ix_outbox_messages_status'))


def downgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_status'), ['status'], unique=False)
        batch_op.drop_index('ix_outbox_messages_due')
