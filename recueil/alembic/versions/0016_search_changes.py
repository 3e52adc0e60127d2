"""embedded search: the practices changed by each generation, so processes patch their bitmaps

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_generation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('serial', sa.Integer(), server_default='0',
                                      nullable=False))
    changes = op.create_table('search_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('practice_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_changes'))
    )
    with op.batch_alter_table('search_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_changes_serial'), ['serial'], unique=False)
    # the current generation, so that the processes' first patch finds where it starts
    generation = sa.table('search_generation', sa.column('token', sa.String))
    token = op.get_bind().scalar(sa.select(generation.c.token))
    if token is not None:
        op.bulk_insert(changes, [{'serial': 0, 'token': token, 'practice_id': None}])


def downgrade():
    with op.batch_alter_table('search_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_changes_serial'))
    op.drop_table('search_changes')
    with op.batch_alter_table('search_generation', schema=None) as batch_op:
        batch_op.drop_column('serial')
