"""each person's Today card (how many changes it shows, where it is on each platform) and their morning digest

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:30:00
"""

import sqlalchemy as sa
from alembic import op

import storage.tables


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('today_marks',
    sa.Column('account_id', sa.String(length=40), nullable=False),
    sa.Column('changes', sa.Integer(), nullable=False),
    sa.Column('shown', sa.Integer(), nullable=False),
    sa.Column('dirty_since', storage.tables.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shown_at', storage.tables.UTCDateTime(timezone=True), nullable=True),
    sa.Column('digest_off', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('last_digest', sa.String(length=10), nullable=True),
    sa.Column('digest_due', storage.tables.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_today_marks_account_id_accounts')),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_today_marks'))
    )
    op.create_index(op.f('ix_today_marks_digest_due'), 'today_marks', ['digest_due'], unique=False)
    op.create_index(op.f('ix_today_marks_dirty_since'), 'today_marks', ['dirty_since'], unique=False)
    op.create_table('today_messages',
    sa.Column('account_id', sa.String(length=40), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_today_messages_account_id_accounts')),
    sa.PrimaryKeyConstraint('account_id', 'platform', name=op.f('pk_today_messages'))
    )
    # the parties of orders running when the desk is upgraded: their card is drawn at the first poll and their
    # digest planned, rather than only once one of their orders changes (the stages that are not closed, as
    # written at this revision; out of date since the oldest such order was paid, a time the data holds)
    running = "('pending', 'in_progress', 'delivered', 'revision_requested', 'revision_refused', 'disputed')"
    op.execute(
        "INSERT INTO today_marks (account_id, changes, shown, dirty_since) "
        "SELECT account, 1, 0, MIN(paid_at) FROM ("
        f"SELECT buyer_id AS account, paid_at FROM orders WHERE stage IN {running} "
        f"UNION ALL SELECT seller_id AS account, paid_at FROM orders WHERE stage IN {running}"
        ") AS parties GROUP BY account")


def downgrade() -> None:
    op.drop_table('today_messages')
    op.drop_index(op.f('ix_today_marks_dirty_since'), table_name='today_marks')
    op.drop_index(op.f('ix_today_marks_digest_due'), table_name='today_marks')
    op.drop_table('today_marks')
