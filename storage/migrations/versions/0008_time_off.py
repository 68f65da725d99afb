"""a seller's time off and limit of orders in progress; visitors waiting for a paused offer to reopen

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 13:30:00
"""

import sqlalchemy as sa
from alembic import op

import storage.tables


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('time_off',
    sa.Column('seller_id', sa.String(length=40), nullable=False),
    sa.Column('away_from', storage.tables.UTCDateTime(timezone=True), nullable=True),
    sa.Column('away_until', storage.tables.UTCDateTime(timezone=True), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('max_in_progress', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['seller_id'], ['accounts.id'], name=op.f('fk_time_off_seller_id_accounts')),
    sa.PrimaryKeyConstraint('seller_id', name=op.f('pk_time_off'))
    )
    op.create_table('reopen_watches',
    sa.Column('offer_id', sa.String(length=40), nullable=False),
    sa.Column('account_id', sa.String(length=40), nullable=False),
    sa.Column('seller_id', sa.String(length=40), nullable=False),
    sa.Column('due_at', storage.tables.UTCDateTime(timezone=True), nullable=False),
    sa.Column('since', storage.tables.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_reopen_watches_account_id_accounts')),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_reopen_watches_offer_id_offers')),
    sa.PrimaryKeyConstraint('offer_id', 'account_id', name=op.f('pk_reopen_watches'))
    )
    op.create_index(op.f('ix_reopen_watches_due_at'), 'reopen_watches', ['due_at'], unique=False)
    op.create_index(op.f('ix_reopen_watches_seller_id'), 'reopen_watches', ['seller_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_reopen_watches_seller_id'), table_name='reopen_watches')
    op.drop_index(op.f('ix_reopen_watches_due_at'), table_name='reopen_watches')
    op.drop_table('reopen_watches')
    op.drop_table('time_off')
