"""home page: the newest publications of each showcase read from an index, not sorted

The home page shows the three newest published practices of level 1, of level 2 and among
the coups de cœur. Without these indexes each list sorted every published practice (36 ms
at 10,000 practices on SQLite, ten times that at 100,000); with them, each list is the
first rows of an index.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 05:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

#: (index, the column that chooses the showcase)
SHOWCASE_INDEXES = (
    ('ix_practices_showcase_niveau', 'niveau'),
    ('ix_practices_showcase_coup_de_coeur', 'coup_de_coeur'),
)


def upgrade():
    # the order of services.home.newest: newest first, practices without a date last
    # (PostgreSQL puts them first in a descending order unless told; SQLite puts them last
    # and accepts no NULLS clause in an index)
    newest = ('date_publication DESC NULLS LAST' if op.get_bind().dialect.name == 'postgresql'
              else 'date_publication DESC')
    for name, column in SHOWCASE_INDEXES:
        op.create_index(name, 'practices', ['status', column, sa.text(newest), 'id'])


def downgrade():
    for name, _ in SHOWCASE_INDEXES:
        op.drop_index(name, table_name='practices')
