"""committee: members' institutions, attendance, corrected decisions

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('institution_type', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('institution_nom', sa.String(length=200), nullable=True))
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_decision', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('correction_motif', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('corrected_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('corrected_by', sa.String(length=254), nullable=True))
    op.create_table('committee_attendance',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['committee_sessions.id'],
                            name=op.f('fk_committee_attendance_session_id_committee_sessions'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_committee_attendance_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_committee_attendance'))
    )
    with op.batch_alter_table('committee_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_attendance_user_id'), ['user_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('committee_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_attendance_user_id'))
    op.drop_table('committee_attendance')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_column('corrected_by')
        batch_op.drop_column('corrected_at')
        batch_op.drop_column('correction_motif')
        batch_op.drop_column('previous_decision')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('institution_nom')
        batch_op.drop_column('institution_type')
