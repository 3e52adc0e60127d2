"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 10:57:49.361064
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('access_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_access_links_token_hash'))
    )
    with op.batch_alter_table('access_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_links_email'), ['email'], unique=False)

    op.create_table('practices',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=True),
    sa.Column('niveau', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('intitule', sa.String(length=100), nullable=True),
    sa.Column('nom_entite', sa.String(length=100), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('date_mise_en_oeuvre', sa.Date(), nullable=True),
    sa.Column('echelle', sa.String(length=20), nullable=True),
    sa.Column('types_intervention_autre', sa.String(length=100), nullable=True),
    sa.Column('thematiques_autre', sa.String(length=100), nullable=True),
    sa.Column('publics_autre', sa.String(length=100), nullable=True),
    sa.Column('relais', sa.String(length=20), nullable=True),
    sa.Column('relais_autre', sa.String(length=100), nullable=True),
    sa.Column('lieu', sa.String(length=100), nullable=True),
    sa.Column('objectifs', sa.Text(), nullable=True),
    sa.Column('moyens', sa.Text(), nullable=True),
    sa.Column('bilan', sa.Text(), nullable=True),
    sa.Column('budget_annuel', sa.BigInteger(), nullable=True),
    sa.Column('nombre_beneficiaires', sa.Integer(), nullable=True),
    sa.Column('coup_de_coeur', sa.Boolean(), nullable=False),
    sa.Column('date_publication', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=100), nullable=True),
    sa.Column('source_id', sa.String(length=100), nullable=True),
    sa.Column('contact_nom', sa.String(length=100), nullable=True),
    sa.Column('contact_fonction', sa.String(length=100), nullable=True),
    sa.Column('contact_courriel', sa.String(length=254), nullable=True),
    sa.Column('contact_telephone', sa.String(length=30), nullable=True),
    sa.Column('accord_nom', sa.String(length=100), nullable=True),
    sa.Column('accord_fonction', sa.String(length=100), nullable=True),
    sa.Column('accord_courriel', sa.String(length=254), nullable=True),
    sa.Column('declarant_courriel', sa.String(length=254), nullable=True),
    sa.Column('accepte_conditions', sa.Boolean(), nullable=False),
    sa.Column('etapes_validees', sa.JSON(), nullable=False),
    sa.Column('saisie_en_cours', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practices')),
    sa.UniqueConstraint('reference', name=op.f('uq_practices_reference')),
    sa.UniqueConstraint('source', 'source_id', name=op.f('uq_practices_source'))
    )
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practices_declarant_courriel'), ['declarant_courriel'], unique=False)
        batch_op.create_index(batch_op.f('ix_practices_status'), ['status'], unique=False)

    op.create_table('rate_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_events'))
    )
    with op.batch_alter_table('rate_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_events_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_rate_events_key'), ['key'], unique=False)

    op.create_table('reference_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_reference_counters'))
    )
    op.create_table('regions',
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('nom', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_regions'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('nom', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('vocabulary_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vocabulary', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vocabulary_terms')),
    sa.UniqueConstraint('vocabulary', 'code', name=op.f('uq_vocabulary_terms_vocabulary'))
    )
    with op.batch_alter_table('vocabulary_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vocabulary_terms_vocabulary'), ['vocabulary'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('practice_id', sa.Uuid(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_attachments_practice_id_practices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_practice_id'), ['practice_id'], unique=False)

    op.create_table('departements',
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('nom', sa.String(length=100), nullable=False),
    sa.Column('region_code', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_departements_region_code_regions')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_departements'))
    )
    with op.batch_alter_table('departements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_departements_region_code'), ['region_code'], unique=False)

    op.create_table('practice_terms',
    sa.Column('practice_id', sa.Uuid(), nullable=False),
    sa.Column('field', sa.String(length=30), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_practice_terms_practice_id_practices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('practice_id', 'field', 'code', name=op.f('pk_practice_terms'))
    )
    op.create_table('transitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Uuid(), nullable=False),
    sa.Column('from_status', sa.String(length=30), nullable=True),
    sa.Column('to_status', sa.String(length=30), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_transitions_actor_user_id_users')),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_transitions_practice_id_practices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transitions'))
    )
    with op.batch_alter_table('transitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transitions_practice_id'), ['practice_id'], unique=False)

    op.create_table('user_roles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles'))
    )


def downgrade():
    op.drop_table('user_roles')
    with op.batch_alter_table('transitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transitions_practice_id'))

    op.drop_table('transitions')
    op.drop_table('practice_terms')
    with op.batch_alter_table('departements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_departements_region_code'))

    op.drop_table('departements')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_practice_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('vocabulary_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vocabulary_terms_vocabulary'))

    op.drop_table('vocabulary_terms')
    op.drop_table('users')
    op.drop_table('regions')
    op.drop_table('reference_counters')
    with op.batch_alter_table('rate_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_events_key'))
        batch_op.drop_index(batch_op.f('ix_rate_events_created_at'))

    op.drop_table('rate_events')
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practices_status'))
        batch_op.drop_index(batch_op.f('ix_practices_declarant_courriel'))

    op.drop_table('practices')
    with op.batch_alter_table('access_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_links_email'))

    op.drop_table('access_links')
