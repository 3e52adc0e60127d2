"""vocabularies administered by France Enfance Protégée: edited and to-confirm labels, the
history of every change

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # the new labels themselves are reference data: `recueil initdb` brings the terms that no
    # administrator has edited (all of them, before this revision) to the shipped ones
    with op.batch_alter_table('vocabulary_terms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('to_confirm', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.create_table('vocabulary_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('vocabulary', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('before', sa.String(length=200), nullable=True),
    sa.Column('after', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vocabulary_changes'))
    )
    with op.batch_alter_table('vocabulary_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vocabulary_changes_created_at'), ['created_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('vocabulary_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vocabulary_changes_created_at'))
    op.drop_table('vocabulary_changes')
    with op.batch_alter_table('vocabulary_terms', schema=None) as batch_op:
        batch_op.drop_column('to_confirm')
        batch_op.drop_column('edited')
