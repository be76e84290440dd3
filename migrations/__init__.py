"""Alembic migrations (through Flask-Migrate): `climate-plugin db upgrade` takes a database to head."""
