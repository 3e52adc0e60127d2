"""editable informational pages

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 13:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # the texts themselves are reference data, loaded by `recueil initdb`
    op.create_table('pages',
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('titre', sa.String(length=200), nullable=False),
    sa.Column('contenu', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=254), nullable=True),
    sa.PrimaryKeyConstraint('slug', name=op.f('pk_pages'))
    )


def downgrade():
    op.drop_table('pages')
