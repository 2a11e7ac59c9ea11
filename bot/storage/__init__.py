"""Storage: SQLAlchemy models, sessions and the Alembic migrations shipped in the package."""
