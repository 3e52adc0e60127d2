"""search terms and index queue

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:15:41.032079
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('index_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_index_tasks'))
    )
    with op.batch_alter_table('index_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_index_tasks_practice_id'), ['practice_id'], unique=False)

    op.create_table('search_terms',
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('practice_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_search_terms_practice_id_practices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('term', 'practice_id', name=op.f('pk_search_terms'))
    )
    with op.batch_alter_table('search_terms', schema=None) as batch_op:
        batch_op.create_index('ix_search_terms_practice_id', ['practice_id'], unique=False)



def downgrade():
    with op.batch_alter_table('search_terms', schema=None) as batch_op:
        batch_op.drop_index('ix_search_terms_practice_id')

    op.drop_table('search_terms')
    with op.batch_alter_table('index_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_index_tasks_practice_id'))

    op.drop_table('index_tasks')
