"""level-2 fiches dispositifs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 13:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # the sections of a fiche (spec §4); empty for level-1 practices
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cles_reussite', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('resultats_attendus', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('difficultes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('evaluation_references', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('co_auteurs', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('date_revision', sa.Date(), nullable=True))

    op.create_table('fiche_practice_links',
    sa.Column('fiche_id', sa.Uuid(), nullable=False),
    sa.Column('practice_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['fiche_id'], ['practices.id'], name=op.f('fk_fiche_practice_links_fiche_id_practices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_fiche_practice_links_practice_id_practices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('fiche_id', 'practice_id', name=op.f('pk_fiche_practice_links'))
    )
    with op.batch_alter_table('fiche_practice_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fiche_practice_links_practice_id'), ['practice_id'], unique=False)

    # fiches are numbered FD-AAAA-NNNN apart from the practices' PI-AAAA-NNNN: one counter
    # per prefix and year; the existing counters are the practices'
    with op.batch_alter_table('reference_counters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prefix', sa.String(length=2), server_default='PI', nullable=False))
        batch_op.drop_constraint('pk_reference_counters', type_='primary')
        batch_op.create_primary_key('pk_reference_counters', ['prefix', 'year'])


def downgrade():
    op.execute("DELETE FROM reference_counters WHERE prefix <> 'PI'")
    with op.batch_alter_table('reference_counters', schema=None) as batch_op:
        batch_op.drop_constraint('pk_reference_counters', type_='primary')
        batch_op.create_primary_key('pk_reference_counters', ['year'])
        batch_op.drop_column('prefix')

    with op.batch_alter_table('fiche_practice_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fiche_practice_links_practice_id'))

    op.drop_table('fiche_practice_links')
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.drop_column('date_revision')
        batch_op.drop_column('co_auteurs')
        batch_op.drop_column('evaluation_references')
        batch_op.drop_column('difficultes')
        batch_op.drop_column('resultats_attendus')
        batch_op.drop_column('cles_reussite')
