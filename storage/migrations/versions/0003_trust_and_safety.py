"""trust and safety: moderators by identity, audited as whom

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:00:00

A moderator was a flag on the account, set from a role's *name* in whatever server the person wrote from.
The flag goes: who may moderate is checked live at every act. What stays is a hint per identity (who hears
"every moderator" notices), set only by those live checks; the old flags are not carried over, since a role
name in a stranger's server may have set them.
"""

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moderator', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.alter_column('moderator', server_default=None)
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('moderator')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('as_whom', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('as_whom')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moderator', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.drop_column('moderator')
