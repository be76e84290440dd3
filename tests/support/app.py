"""The app under test, on the test settings, its database at the newest migration."""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet

from climate_plugin.app import MIGRATIONS_DIR, create_app
from climate_plugin.config import load_settings
from climate_plugin.db import db

TEST_KEY = Fernet.generate_key().decode()
DATABASE_FILE = "test.sqlite3"

_template: Path | None = None


def _migrated_template() -> Path:
    """An SQLite database migrated to head once per test process; each test starts from a copy of it.

    Running the migrations costs about a second; the copy, a few milliseconds. The migrations themselves
    are tested on PostgreSQL and SQLite in tests/test_migrations.py, and every PostgreSQL app runs them."""
    global _template
    if _template is None:
        folder = Path(tempfile.mkdtemp(prefix="climate-plugin-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        app = _app(folder, {})
        _migrate(app)
        with app.app_context():
            db.engine.dispose()
        _template = folder / DATABASE_FILE
    return _template


def _copy_database(source: Path, target: Path) -> None:
    # SQLite's backup API, not a file copy: the app runs SQLite in WAL mode, where the newest pages can
    # still be in the -wal file
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _app(instance: Path, env: dict[str, str]):
    environ = {
        "CLIMATE_PLUGIN_DATABASE_URL": f"sqlite:///{instance / DATABASE_FILE}",
        "CLIMATE_PLUGIN_OUTBOUND_ALLOW": "127.0.0.1",
        "CLIMATE_PLUGIN_ENCRYPTION_KEYS": TEST_KEY,
        "CLIMATE_PLUGIN_PUBLIC_URL": "http://plugin.test",
        "CLIMATE_PLUGIN_SECRET_KEY": "test-secret",
        "CLIMATE_PLUGIN_LOG_LEVEL": "WARNING",
        # argon2's cheapest parameters: hundreds of users are made; test_auth checks the real default
        "CLIMATE_PLUGIN_PASSWORD_HASHING": "insecure-fast",
    }
    environ.update({f"CLIMATE_PLUGIN_{k.upper()}": v for k, v in env.items()})
    app = create_app(load_settings(instance, environ))
    app.config["TESTING"] = True
    # the test's own folder: mail (the development outbox) and lock files stay out of the working tree
    app.instance_path = str(instance)
    return app


def app_without_migrating(instance: Path, **env: str):
    """An app on the given settings whose database is left as it is (it may not even answer)."""
    return _app(instance, env)


def _migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)


def build_app(instance: Path, **env: str):
    """An app on the given settings (``database_url="…"`` is CLIMATE_PLUGIN_DATABASE_URL), its database
    migrated to head. The default SQLite database in ``instance`` starts as a copy of the migrated template
    unless it exists already (a second app on the same instance sees the first one's data)."""
    if "database_url" not in env:
        target = instance / DATABASE_FILE
        if not target.exists():
            _copy_database(_migrated_template(), target)
        return _app(instance, env)
    app = _app(instance, env)
    _migrate(app)
    return app
