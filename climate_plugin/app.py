"""The application factory."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

from climate_plugin import db_deadline, migrations, python_fixes
from climate_plugin.config import Settings, load_settings, unknown_variables
from climate_plugin.db import db, migrate
from climate_plugin.encryption import Encryptor, development_key
from climate_plugin.outbound import OutboundClient
from climate_plugin.web import edge, home, render, security
from climate_plugin.web.errors import register_error_handlers

MIGRATIONS_DIR = str(Path(migrations.__file__).parent)


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app from ``settings`` (default: the CLIMATE_PLUGIN_* environment).

    Raises :class:`climate_plugin.config.ConfigError` listing every wrong setting.
    """
    python_fixes.apply()  # threads that log exceptions together lose no record (see the module)
    app = Flask("climate_plugin", instance_relative_config=True)
    # before any route is added: every <int:…> in a URL stays within the integer id columns
    app.url_map.converters["int"] = edge.BoundedInt
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from_environment = settings is None
    settings = settings or load_settings(app.instance_path)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if from_environment:
        for message in unknown_variables():  # a misspelled setting would otherwise go unnoticed
            logging.getLogger("climate_plugin.config").warning(message)
    # urllib3 logs every request line at DEBUG, query string included: an API key sent as a query
    # parameter would end up in the logs.
    logging.getLogger("urllib3").setLevel(max(logging.INFO, logging.getLogger().level))

    app.config.update(
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(settings),
        SECRET_KEY=settings.secret_key or _development_secret(app.instance_path),
        # Werkzeug refuses larger bodies with 413 before the view reads them.
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        PUBLIC_URL=settings.public_url,
    )
    app.extensions["climate_plugin.settings"] = settings
    app.extensions["climate_plugin.encryptor"] = Encryptor(
        settings.encryption_keys or (development_key(app.instance_path),)
    )
    app.extensions["climate_plugin.outbound"] = OutboundClient(
        settings.outbound_allow, timeout=settings.outbound_timeout
    )

    db.init_app(app)
    if not settings.database_url.startswith("sqlite"):
        with app.app_context():
            # A server that stops answering on an open connection must not hold a request for ever; a
            # runaway statement is the server's to cancel (statement_timeout) first.
            db_deadline.install(db.engine, answer_timeout=settings.db_statement_timeout + 5)
            _ping_when_idle(db.engine, ping_timeout=settings.db_connect_timeout)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)

    from climate_plugin.accounts import init_app as init_auth
    from climate_plugin.admin import bp as admin_bp
    from climate_plugin.api import init_api
    from climate_plugin.assessments import web as public
    from climate_plugin.badges.web import bp as badges_bp
    from climate_plugin.commitments.web import bp as commitments_bp
    from climate_plugin.connectors.registry import load_connectors
    from climate_plugin.followups.web import bp as followups_bp
    from climate_plugin.meetings.web import bp as meeting_view_bp
    from climate_plugin.reach.web import bp as reach_bp
    from climate_plugin.reviews.web import bp as coordinator_bp
    from climate_plugin.teams.web import bp as teams_bp
    from climate_plugin.webhooks.endpoint import bp as webhooks_bp
    from climate_plugin.webhooks.fast_path import WebhookFastPath

    load_connectors()  # a broken or duplicate connector kind fails here, at start-up, not on a webhook

    app.register_blueprint(home.bp)  # the front page at /
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(commitments_bp)
    app.register_blueprint(coordinator_bp)
    app.register_blueprint(badges_bp)
    app.register_blueprint(meeting_view_bp)
    app.register_blueprint(teams_bp)  # climate teams' pages through a member's link
    app.register_blueprint(reach_bp)  # the coordinator's and the region's picture
    app.register_blueprint(followups_bp)
    app.register_blueprint(admin_bp)  # the admin pages under /admin
    init_api(app)  # the REST API under /api/v1 and its OpenAPI document
    register_error_handlers(app)  # JSON for machines, a page in the reader's language for people
    security.init_app(app)  # one content security policy and the other headers, for every answer
    edge.init_app(app)  # NUL characters, lone surrogates and empty PATCHes refused before any view runs
    render.init_app(app)  # Flask-Babel and Jinja's i18n extension over the gettext catalogues
    init_auth(app)  # sessions, abuse limits (Flask-Limiter), the sign-in pages
    # the common webhook (a kept connector, a new delivery) answered without Flask's request handling
    app.wsgi_app = WebhookFastPath(app, app.wsgi_app)  # type: ignore[method-assign]

    from climate_plugin.worker import init_app as init_worker

    init_worker(app)
    return app


def _engine_options(settings: Settings) -> dict:
    if settings.database_url.startswith("sqlite"):
        # The embedded worker writes from another thread: wait for the lock instead of failing.
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    # A database that accepts connections and never answers must not hold a request (and its gunicorn
    # thread) for libpq's default of over two minutes: the request fails fast with a 503 and the sender
    # retries. A runaway statement is cancelled by the server.
    statement_ms = round(settings.db_statement_timeout * 1000)
    return {
        # No pool_pre_ping: it costs every request a round trip; _ping_when_idle pings only a connection
        # that waited in the pool long enough for the server to have gone away meanwhile.
        # a request waits this long for a free pooled connection, not SQLAlchemy's 30 s
        "pool_timeout": settings.db_connect_timeout,
        "connect_args": {
            "connect_timeout": settings.db_connect_timeout,
            "options": f"-c statement_timeout={statement_ms}",
        },
    }


#: seconds a pooled connection may have been idle and still be used without a ping first
PING_AFTER_IDLE = 1.0
#: the pool entry's info key: when it was last returned to the pool
_CHECKED_IN_AT = "climate_plugin.checked_in_at"


def _ping_when_idle(engine: Engine, ping_timeout: float) -> None:
    """Ping a pooled connection before use only when it has been idle over PING_AFTER_IDLE seconds.

    SQLAlchemy's ``pool_pre_ping`` pings on every check-out: one more round trip for every request, half of
    a webhook's. A connection used a moment ago is alive unless the server went away in that moment, and
    then the statement fails like any statement during an outage (a 503; SQLAlchemy invalidates the
    pool, so the next request reconnects). A restart takes longer than a second, so the connections it
    killed are pinged and replaced before use, as ``pool_pre_ping`` does. This is SQLAlchemy's own recipe
    for custom pessimistic disconnect handling: DisconnectionError from a check-out has the pool replace
    the connection and check out again.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection, record) -> None:
        record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection, record, proxy) -> None:
        checked_in_at = record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at <= PING_AFTER_IDLE:
            return  # new, or used a moment ago
        try:
            # As long as a new connection may take: a server that stopped answering is then replaced.
            with db_deadline.answer_within(dbapi_connection, ping_timeout):
                engine.dialect.do_ping(dbapi_connection)  # what pool_pre_ping sends (outside a transaction)
        except Exception as exc:
            raise DisconnectionError(f"connection idle for a while is gone ({type(exc).__name__})") from exc
        finally:
            record.info.pop(_CHECKED_IN_AT, None)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    # WAL lets the web thread read while the worker writes; foreign keys are off by default in SQLite.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _development_secret(instance_path: str) -> str:
    # Without CLIMATE_PLUGIN_SECRET_KEY, derive the session key from the instance's own encryption key
    # file, so a restart does not invalidate signed links.
    import hashlib

    return hashlib.sha256(("session:" + development_key(instance_path)).encode()).hexdigest()
