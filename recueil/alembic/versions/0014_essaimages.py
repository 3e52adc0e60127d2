"""essaimages: teams tell a practice it inspired them; practices count the published ones

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('essaimages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Uuid(), nullable=False),
    sa.Column('structure', sa.String(length=100), nullable=False),
    sa.Column('departement', sa.String(length=3), nullable=False),
    sa.Column('recit', sa.Text(), nullable=False),
    sa.Column('courriel', sa.String(length=254), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by', sa.String(length=254), nullable=True),
    sa.Column('decided_by_user_id', sa.Integer(), nullable=True),
    sa.Column('motif', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_user_id'], ['users.id'],
                            name=op.f('fk_essaimages_decided_by_user_id_users')),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'],
                            name=op.f('fk_essaimages_practice_id_practices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_essaimages'))
    )
    with op.batch_alter_table('essaimages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_essaimages_practice_id'), ['practice_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_essaimages_courriel'), ['courriel'], unique=False)
        batch_op.create_index(batch_op.f('ix_essaimages_status'), ['status'], unique=False)
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nombre_essaimages', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.drop_column('nombre_essaimages')
    with op.batch_alter_table('essaimages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_essaimages_status'))
        batch_op.drop_index(batch_op.f('ix_essaimages_courriel'))
        batch_op.drop_index(batch_op.f('ix_essaimages_practice_id'))
    op.drop_table('essaimages')
