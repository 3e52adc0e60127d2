"""agreements: the declarant's hierarchy, the département representative's confirmation

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('practices', schema=None) as batch_op:
        # practices declared before the box existed did not tick it
        batch_op.add_column(sa.Column('accord_hierarchie', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.alter_column('accord_hierarchie', server_default=None)
    op.create_table('agreement_requests',
    sa.Column('practice_id', sa.Uuid(), nullable=False),
    sa.Column('etat', sa.String(length=20), nullable=False),
    sa.Column('demande_le', sa.DateTime(), nullable=False),
    sa.Column('reponse_le', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'],
                            name=op.f('fk_agreement_requests_practice_id_practices'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('practice_id', name=op.f('pk_agreement_requests'))
    )


def downgrade():
    op.drop_table('agreement_requests')
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.drop_column('accord_hierarchie')
