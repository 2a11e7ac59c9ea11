"""Migration 0009 makes exactly the tables the models describe (the two copies of the schema agree)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.storage.db import make_engine
from bot.storage.models import Base

TABLES = {"cctv_status_changes", "upload_links"}


def test_the_migrated_tables_match_the_models(settings):
    database = make_engine(settings.database_url)
    try:
        with database.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        database.dispose()

    def about_ours(difference) -> bool:
        """Alembic's differences are tuples (or lists of them) naming a table or holding one."""
        for part in difference if isinstance(difference, list) else [difference]:
            for item in part:
                table = getattr(item, "table", item)
                if item in TABLES or getattr(table, "name", None) in TABLES:
                    return True
        return False

    ours = [difference for difference in differences if about_ours(difference)]
    assert ours == []
    assert TABLES <= set(Base.metadata.tables)
