"""digests, saved challenges, outbox delivery lease

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Hand-written: only the digest tables and the two outbox lease columns.
"""
from alembic import op
import sqlalchemy as sa
import app.db


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("min_score", sa.Float(), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_digest_preferences_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_preferences")),
        sa.UniqueConstraint("user_id", name=op.f("uq_digest_preferences_user_id")),
    )
    op.create_table(
        "digest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=20), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["outbox_message_id"], ["outbox_messages.id"],
                                name=op.f("fk_digest_runs_outbox_message_id_outbox_messages"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_digest_runs_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_runs")),
        sa.UniqueConstraint("user_id", "period_key", name=op.f("uq_digest_runs_user_id")),
    )
    op.create_table(
        "digest_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=80), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"], name=op.f("fk_digest_items_challenge_id_challenges"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["run_id"], ["digest_runs.id"], name=op.f("fk_digest_items_run_id_digest_runs"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_digest_items_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_items")),
        sa.UniqueConstraint("user_id", "item_key", name=op.f("uq_digest_items_user_id")),
    )
    with op.batch_alter_table("digest_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digest_items_challenge_id"), ["challenge_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_digest_items_run_id"), ["run_id"], unique=False)

    op.create_table(
        "saved_challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"],
                                name=op.f("fk_saved_challenges_challenge_id_challenges"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_saved_challenges_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_challenges")),
        sa.UniqueConstraint("user_id", "challenge_id", name=op.f("uq_saved_challenges_user_id")),
    )
    with op.batch_alter_table("saved_challenges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_challenges_challenge_id"), ["challenge_id"], unique=False)

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_token", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", app.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claim_token")
    with op.batch_alter_table("saved_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_challenges_challenge_id"))
    op.drop_table("saved_challenges")
    with op.batch_alter_table("digest_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_items_run_id"))
        batch_op.drop_index(batch_op.f("ix_digest_items_challenge_id"))
    op.drop_table("digest_items")
    op.drop_table("digest_runs")
    op.drop_table("digest_preferences")
