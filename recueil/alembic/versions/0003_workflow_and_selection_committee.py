"""workflow and selection committee

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:37:14.525723
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('committee_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('lieu', sa.String(length=200), nullable=False),
    sa.Column('decisions_sent_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_sessions'))
    )
    with op.batch_alter_table('committee_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_sessions_date'), ['date'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('motivation', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by', sa.String(length=254), nullable=True),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_agenda_items_practice_id_practices')),
    sa.ForeignKeyConstraint(['session_id'], ['committee_sessions.id'], name=op.f('fk_agenda_items_session_id_committee_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items')),
    sa.UniqueConstraint('session_id', 'practice_id', name=op.f('uq_agenda_items_session_id'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_practice_id'), ['practice_id'], unique=False)

    op.create_table('review_grids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('avis', sa.String(length=20), nullable=False),
    sa.Column('commentaire', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_items.id'], name=op.f('fk_review_grids_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_review_grids_member_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_grids')),
    sa.UniqueConstraint('item_id', 'member_id', name=op.f('uq_review_grids_item_id'))
    )
    with op.batch_alter_table('review_grids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_grids_item_id'), ['item_id'], unique=False)

    # on SQLite this copies the table; migrations.upgrade() turns foreign keys off meanwhile
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('doublon_de_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_practices_doublon_de_id_practices'), 'practices', ['doublon_de_id'], ['id'])

    op.add_column('transitions', sa.Column('snapshot', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('transitions', schema=None) as batch_op:
        batch_op.drop_column('snapshot')

    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_practices_doublon_de_id_practices'), type_='foreignkey')
        batch_op.drop_column('doublon_de_id')

    with op.batch_alter_table('review_grids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_grids_item_id'))

    op.drop_table('review_grids')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_items_practice_id'))

    op.drop_table('agenda_items')
    with op.batch_alter_table('committee_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_sessions_date'))

    op.drop_table('committee_sessions')
