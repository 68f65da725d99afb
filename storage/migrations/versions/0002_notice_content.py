"""notices carry the content they announce; accounts remember whether their time zone was chosen

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 09:30:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('quotes', sa.JSON(), nullable=True))
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('timezone_set', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('timezone_set')
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('quotes')
