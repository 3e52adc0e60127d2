"""alerts: visitors follow a catalogue search by e-mail

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('query', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('covered_through', sa.Date(), nullable=True),
    sa.Column('last_sent_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_alerts'))
    )
    with op.batch_alter_table('search_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_alerts_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_alerts_confirmed_at'), ['confirmed_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('search_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_alerts_confirmed_at'))
        batch_op.drop_index(batch_op.f('ix_search_alerts_email'))
    op.drop_table('search_alerts')
