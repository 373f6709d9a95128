"""Create the benchmark database of ``DATABASE_URL`` when it does not exist
(``make bench``): ``python -m bench.database``.

Python rather than ``createdb``, so that a machine with the PostgreSQL server
but not its client programs needs nothing more than the project's own
requirements (psycopg, dj-database-url). Django is not loaded: it cannot start
without its database.
"""

import os
import sys

import dj_database_url
import psycopg
from psycopg import sql


def ensure_database(url):
    """Create the PostgreSQL database named by ``url`` unless it exists;
    returns True when it was created."""
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit(f"DATABASE_URL is not PostgreSQL: {url}")
    name = config["NAME"]
    with psycopg.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def main():
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise SystemExit("DATABASE_URL is not set.")
    name = dj_database_url.parse(url)["NAME"]
    created = ensure_database(url)
    print(f"Database {name} {'created' if created else 'already there'}.")


if __name__ == "__main__":
    sys.exit(main())
