"""Reminders before a commitment's due date: e-mail (SMTP or the development outbox) and the host."""

from __future__ import annotations

import smtplib
from datetime import UTC, date, datetime, timedelta

import pytest

from climate_plugin.cli import main
from climate_plugin.commitments.reminders import send_due_reminders
from climate_plugin.commitments.service import block_commitments, record_commitment
from climate_plugin.config import ConfigError, load_settings
from climate_plugin.db import db
from climate_plugin.items.store import item_language
from climate_plugin.mail import read_outbox
from climate_plugin.models import Commitment, WriteBack
from climate_plugin.writeback import block as climate_block
from climate_plugin.writeback import plan
from tests.factories import CommitmentFormFactory, RestItemFactory
from tests.support.app import build_app

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _own_outbox(app, tmp_path):
    # Flask's instance folder is the project's own: keep the tests' mail out of the developer's outbox.
    app.instance_path = str(tmp_path / "instance")


def private_app(tmp_path, **env):
    # Its own folder: the autouse fixture's app already has a database in tmp_path.
    folder = tmp_path / "own"
    folder.mkdir()
    app = build_app(folder, **env)
    app.instance_path = str(folder / "instance")
    return app


def commit(item, days: int, lang: str = "fi", **changes) -> Commitment:
    data = CommitmentFormFactory(due_date=(NOW.date() + timedelta(days=days)).isoformat(), **changes)
    row, errors = record_commitment(item, data, lang)
    assert errors == {}
    db.session.commit()
    return row


@pytest.fixture
def due_soon(app):
    with app.app_context():
        item = RestItemFactory()
        soon = commit(item, 10)
        later = commit(item, 30, what="Koulun valaistus vaihdetaan LED-valoihin.")
        return item.id, soon.id, later.id


def test_due_commitment_is_mailed_once_to_the_outbox(app, due_soon):
    _, soon, later = due_soon
    with app.app_context():
        run = send_due_reminders(NOW)
        assert run.reminded == [soon] and run.mailed == [soon]
        [message] = read_outbox()
        assert message.to == "anna.virtanen@hollola.fi"
        assert message.subject == "Muistutus: ilmastositoumuksen määräaika 11.3.2027"
        assert "Koulun öljylämmitys korvataan maalämmöllä." in message.text
        assert "Kirkonkylän koulun lämmitystapamuutos" in message.text
        assert "ilmastokoordinaattorille" in message.text
        assert message.path.suffix == ".eml" and message.path.parent.name == "outbox"
        assert db.session.get(Commitment, soon).reminded_at == NOW
        assert db.session.get(Commitment, later).reminded_at is None
        # Daily runs after that send nothing new for the same commitment.
        assert send_due_reminders(NOW + timedelta(days=1)).reminded == []
        assert len(read_outbox()) == 1
        # Twenty days later the second one falls within the window.
        assert send_due_reminders(NOW + timedelta(days=20)).reminded == [later]
        assert len(read_outbox()) == 2


def test_reminder_in_the_language_the_commitment_was_written_in(app):
    with app.app_context():
        item = RestItemFactory(language="sv")
        commit(item, 3, lang="sv")
        send_due_reminders(NOW)
        [message] = read_outbox()
    assert message.subject == "Påminnelse: klimatåtagandets tidsfrist 4.3.2027"
    assert "Du är angiven som ansvarig" in message.text


def test_closed_commitments_get_no_reminder(app):
    with app.app_context():
        item = RestItemFactory()
        row = commit(item, 5)
        row.status = "kept"
        db.session.commit()
        assert send_due_reminders(NOW).reminded == []
        assert read_outbox() == []


def test_reminder_window_is_a_setting(tmp_path):
    app = private_app(tmp_path, reminder_days="40")
    with app.app_context():
        item = RestItemFactory()
        later = commit(item, 30)
        assert send_due_reminders(NOW).reminded == [later.id]


def test_without_an_address_the_reminder_still_reaches_the_host(app, monkeypatch):
    # Until climate_block.build_climate_block lists the commitments itself, add them the same way here.
    real = climate_block.build_climate_block

    def with_commitments(item, assessment, base_url):
        block = real(item, assessment, base_url)
        block.setdefault("commitments", block_commitments(item, item_language(item)))
        return block

    monkeypatch.setattr(plan, "build_climate_block", with_commitments)
    queue = app.extensions["climate_plugin.queue"]
    with app.app_context():
        item = RestItemFactory()
        row = commit(item, 7, owner_email="")
        before = queue.pending()
        run = send_due_reminders(NOW)
        assert run.reminded == [row.id] and run.mailed == []
        assert read_outbox() == []
        [write_back_id] = run.write_backs
        body = db.session.get(WriteBack, write_back_id).body
        assert body["commitments"][0]["reminder_sent"] is True
        assert queue.pending() == before + 1
        # Nothing changed since: no further write-back.
        assert send_due_reminders(NOW + timedelta(days=1)).write_backs == []


class _FakeSMTP:
    sent: list = []
    fail_with: Exception | None = None

    def __init__(self, host, port, timeout):
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def ehlo(self):
        if _FakeSMTP.fail_with is not None:
            raise _FakeSMTP.fail_with

    def has_extn(self, name):
        return name == "starttls"

    def starttls(self, context):
        self.tls = True

    def login(self, user, password):
        self.login_as = (user, password)

    def send_message(self, message):
        _FakeSMTP.sent.append((self.host, self.port, getattr(self, "login_as", None), message))


def test_smtp_is_used_when_configured_and_a_broken_server_is_retried_next_run(tmp_path, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", _FakeSMTP)
    _FakeSMTP.sent = []
    app = private_app(
        tmp_path,
        smtp_url="smtp://ilmasto%40hollola.fi:p%C3%A4ss@mail.hollola.fi:587",
        mail_from="ilmasto@hollola.fi",
    )
    with app.app_context():
        item = RestItemFactory()
        row = commit(item, 5)
        _FakeSMTP.fail_with = ConnectionRefusedError("down")
        run = send_due_reminders(NOW)
        assert run.failed == [row.id] and run.reminded == []
        assert db.session.get(Commitment, row.id).reminded_at is None

        _FakeSMTP.fail_with = None
        run = send_due_reminders(NOW)
        assert run.mailed == [row.id]
    [(host, port, login, message)] = _FakeSMTP.sent
    assert (host, port, login) == ("mail.hollola.fi", 587, ("ilmasto@hollola.fi", "päss"))
    assert message["From"] == "ilmasto@hollola.fi" and message["To"] == "anna.virtanen@hollola.fi"
    assert read_outbox_empty(app)


def read_outbox_empty(app) -> bool:
    with app.app_context():
        return read_outbox() == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SMTP_URL", "http://mail.example"),
        ("SMTP_URL", "smtp://"),
        ("SMTP_URL", "smtp://h:99999"),
        ("MAIL_FROM", "nobody"),
        ("REMINDER_DAYS", "0"),
        ("REVIEW_SAMPLE_SIZE", "-1"),
    ],
)
def test_wrong_settings_are_reported(tmp_path, name, value):
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path, {f"CLIMATE_PLUGIN_{name}": value})
    assert any(p.startswith(f"CLIMATE_PLUGIN_{name}=") for p in caught.value.problems)


def test_celery_runs_reminders_daily(tmp_path):
    app = private_app(tmp_path, broker_url="memory://")
    celery = app.extensions["celery"]
    entry = celery.conf.beat_schedule["reminders"]
    assert entry["task"] == "worker.tasks.send_reminders"
    assert entry["schedule"] == 24 * 3600
    import climate_plugin.worker.tasks  # noqa: F401  (registers the tasks with the app)

    assert "worker.tasks.send_reminders" in celery.tasks


def test_outbox_list_command(app, runner):
    with app.app_context():
        commit(RestItemFactory(), 2)
        send_due_reminders(NOW)
    result = runner.invoke(main, args=["outbox", "list", "--full"])
    assert result.exit_code == 0, result.output
    assert "anna.virtanen@hollola.fi" in result.output
    assert "Muistutus: ilmastositoumuksen määräaika 3.3.2027" in result.output
    assert "Koulun öljylämmitys korvataan maalämmöllä." in result.output


def test_outbox_list_when_empty(runner):
    result = runner.invoke(main, args=["outbox", "list", "--json"])
    assert result.exit_code == 0 and result.output.strip() == "[]"


def test_due_dates_are_finnish_calendar_days(app):
    # 22:30 UTC on 28 February is already 1 March in Finland: a commitment due 15 March is 14 days away.
    with app.app_context():
        row = commit(RestItemFactory(), 14)
        assert row.due_date == date(2027, 3, 15)
        late_evening = datetime(2027, 2, 28, 22, 30, tzinfo=UTC)
        assert send_due_reminders(late_evening).reminded == [row.id]


def _commit_in(zone: str, slug: str, due: date) -> Commitment:
    from tests.factories import MunicipalityFactory

    town = MunicipalityFactory(slug=slug, time_zone=zone)
    item = RestItemFactory(connector__municipality=town)
    row, errors = record_commitment(item, CommitmentFormFactory(due_date=due.isoformat()), "fi")
    assert errors == {}
    db.session.commit()
    return row


@pytest.mark.parametrize(
    ("now", "reminded_zones"),
    [
        # 23:30 UTC: already 2 March in Helsinki (and on Kiritimati), still 1 March in New York
        (datetime(2027, 3, 1, 23, 30, tzinfo=UTC), {"Europe/Helsinki", "Pacific/Kiritimati"}),
        # 11:00 UTC: already 2 March on Kiritimati (UTC+14), still 1 March in Helsinki
        (datetime(2027, 3, 1, 11, 0, tzinfo=UTC), {"Pacific/Kiritimati"}),
    ],
)
def test_due_within_the_window_by_each_municipalitys_own_calendar(app, now, reminded_zones):
    # The window is 14 days from "today", and today is the municipality's, not the server's: a commitment
    # due 16 March enters it when 2 March begins where the municipality is.
    due = date(2027, 3, 16)
    with app.app_context():
        rows = {
            zone: _commit_in(zone, slug, due).id
            for zone, slug in [
                ("Europe/Helsinki", "hollola"),
                ("America/New_York", "newyork"),
                ("Pacific/Kiritimati", "kiritimati"),
            ]
        }
        assert sorted(send_due_reminders(now).reminded) == sorted(rows[zone] for zone in reminded_zones)
        # a day later every one of them is within its window
        assert sorted(send_due_reminders(now + timedelta(days=1)).reminded) == sorted(
            v for k, v in rows.items() if k not in reminded_zones
        )
