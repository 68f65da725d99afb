"""vouchers for the buyers of expired orders, taken off the price of their next orders

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-03 13:00:00
"""

import sqlalchemy as sa
from alembic import op

import storage.tables


revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('vouchers',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('account_id', sa.String(length=40), nullable=False),
    sa.Column('currency', sa.String(length=8), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('issued', sa.BigInteger(), nullable=False),
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('issued_at', storage.tables.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', storage.tables.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_vouchers_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vouchers'))
    )
    op.create_index(op.f('ix_vouchers_account_id'), 'vouchers', ['account_id'], unique=False)
    with op.batch_alter_table('orders') as batch:
        batch.add_column(sa.Column('credit', sa.BigInteger(), nullable=False, server_default='0'))
    with op.batch_alter_table('checkouts') as batch:
        batch.add_column(sa.Column('credit', sa.BigInteger(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('draws', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('checkouts') as batch:
        batch.drop_column('draws')
        batch.drop_column('credit')
    with op.batch_alter_table('orders') as batch:
        batch.drop_column('credit')
    op.drop_index(op.f('ix_vouchers_account_id'), table_name='vouchers')
    op.drop_table('vouchers')
