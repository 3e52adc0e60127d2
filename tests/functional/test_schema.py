"""The schema the migrations build is the one the models describe, on each database: a column
added to a model without its migration (or the reverse) fails here, not in production."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from recueil.models.meta import Base

#: written per database by migration 0017 (newest first, and NULLS LAST on PostgreSQL),
#: which a model's Index cannot spell for both
MIGRATION_ONLY_INDEXES = {"ix_practices_publication", "ix_practices_showcase_coup_de_coeur",
                          "ix_practices_showcase_niveau"}


def test_the_migrations_build_the_schema_of_the_models(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences
            if not (d[0] == "remove_index" and d[1].name in MIGRATION_ONLY_INDEXES)] == []
