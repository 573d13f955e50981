"""Project databases for tests and benchmarks: wiping the PostgreSQL test database."""

from __future__ import annotations


def reset_postgres(url: str) -> None:
    """Drop everything in the database at ``url`` (its ``public`` schema) and start empty."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
