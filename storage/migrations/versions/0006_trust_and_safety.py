"""trust and safety: moderators by identity, audited as whom; chat edits and unmasked originals as evidence

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:00:00

A moderator was a flag on the account, set from a role's *name* in whatever server the person wrote from.
The flag goes: who may moderate is checked live at every act. What stays is a hint per identity (who hears
"every moderator" notices), set only by those live checks; the old flags are not carried over, since a role
name in a stranger's server may have set them.

Chat messages keep what was written when masking changed it (for the evidence only), the platform's
reference of the message (an edit finds it), the message an edit changes, and whether a flagged message's
unmasked copy stayed visible. Attachments' references are text: Telegram's are not cut at 300 characters.
Link codes say the platform they were made on (they work only on another one).
"""

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('identities') as batch:
        batch.add_column(sa.Column('moderator', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('moderator')
    with op.batch_alter_table('audit_log') as batch:
        batch.add_column(sa.Column('as_whom', sa.String(length=200), nullable=True))
    with op.batch_alter_table('chat_messages') as batch:
        batch.add_column(sa.Column('original', sa.Text(), nullable=True))
        batch.add_column(sa.Column('source', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('edit_of', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('left_visible', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_foreign_key(batch.f('fk_chat_messages_edit_of_chat_messages'), 'chat_messages',
                                 ['edit_of'], ['id'])
        batch.create_index('ix_chat_messages_source', ['platform', 'source'], unique=False)
    with op.batch_alter_table('attachments') as batch:
        batch.alter_column('file_ref', existing_type=sa.String(length=300), type_=sa.Text(), existing_nullable=False)
    op.execute(sa.text("DELETE FROM link_codes"))  # minutes-long codes that said nothing of where they were made
    with op.batch_alter_table('link_codes') as batch:
        batch.add_column(sa.Column('platform', sa.String(length=16), nullable=False))
        batch.create_index(batch.f('ix_link_codes_account_id'), ['account_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('link_codes') as batch:
        batch.drop_index(batch.f('ix_link_codes_account_id'))
        batch.drop_column('platform')
    with op.batch_alter_table('attachments') as batch:
        batch.alter_column('file_ref', existing_type=sa.Text(), type_=sa.String(length=300), existing_nullable=False)
    with op.batch_alter_table('chat_messages') as batch:
        batch.drop_index('ix_chat_messages_source')
        batch.drop_constraint(batch.f('fk_chat_messages_edit_of_chat_messages'), type_='foreignkey')
        batch.drop_column('left_visible')
        batch.drop_column('edit_of')
        batch.drop_column('source')
        batch.drop_column('original')
    with op.batch_alter_table('audit_log') as batch:
        batch.drop_column('as_whom')
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('moderator', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('identities') as batch:
        batch.drop_column('moderator')
