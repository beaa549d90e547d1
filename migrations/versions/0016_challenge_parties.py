"""challenge_party: co-owning and observing organisations of a challenge (buyer groups)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-10
"""
import sqlalchemy as sa
from alembic import op

import app.db

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('challenge_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('removed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_challenge_party_accepted_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'],
                            name=op.f('fk_challenge_party_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_challenge_party_invited_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_challenge_party_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_party')),
    sa.UniqueConstraint('challenge_id', 'organisation_id', name=op.f('uq_challenge_party_challenge_id'))
    )
    with op.batch_alter_table('challenge_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_party_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_challenge_party_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('challenge_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_party_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_challenge_party_challenge_id'))
    op.drop_table('challenge_party')
