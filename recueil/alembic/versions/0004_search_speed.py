"""embedded search speed: facet index and search generation

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 13:45:00
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    generation = op.create_table('search_generation',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_generation'))
    )
    # random, so that two databases (or one restored from a backup) never share a token
    op.bulk_insert(generation, [{'id': 1, 'token': uuid.uuid4().hex}])
    with op.batch_alter_table('practice_terms', schema=None) as batch_op:
        batch_op.create_index('ix_practice_terms_field_code', ['field', 'code', 'practice_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('practice_terms', schema=None) as batch_op:
        batch_op.drop_index('ix_practice_terms_field_code')

    op.drop_table('search_generation')
