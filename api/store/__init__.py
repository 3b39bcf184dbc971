"""The store: SQLAlchemy 2.0 tables, engine and sessions, repositories, Alembic migrations.

SQLite by default (a file, WAL mode), PostgreSQL through ``DATABASE_URL``. Only `api/`
imports this package; the pure packages never see the database.
"""
