"""Test data: factory_boy factories for the models, in the current app context's session.

Each factory makes a valid row with sensible defaults and commits it; a test names only what it is about:

    item = AgendaItemFactory(title="Koulun maalämpö", connector__municipality__slug="lahti")
    submitted = SubmittedItemFactory(committee=TECH, assessment__needs_review=True)
    AssessmentFactory(item=item, relevance="none")        # the next revision of ``item``

Municipalities are found or made by slug ("hollola" unless named), and a municipality's connector by its
name, so items made one after another belong to the same connector. ``ConnectorFactory`` makes a row only (its
webhook secret is no real secret); ``RestConnectorFactory`` goes through the connector service, as
``tests.support.webhooks.register`` does for tests that sign webhooks. Users go through the account service
(argon2 hash, audit entry).
"""

from __future__ import annotations

import copy
from datetime import date, timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

from climate_plugin.accounts.users import create_user
from climate_plugin.assessments import service as assessments
from climate_plugin.db import db
from climate_plugin.demo.sample_host import rest_connector_config
from climate_plugin.hosts.connector import create_connector
from climate_plugin.items.store import content_hash
from climate_plugin.models import (
    AgendaItem,
    Assessment,
    Commitment,
    Connector,
    Delivery,
    Municipality,
    User,
    WriteBack,
)

#: a preparer's submitted form: one rated category with a justification, an indicator (X5)
SUBMITTED_ANSWERS = {
    "ratings": {
        "energy": {"rating": "+", "justification": "Maalämpö korvaa öljylämmityksen."},
        "transport": {"rating": "0", "justification": ""},
    },
    "questions": {"X5": "Lämmitysenergia MWh/v, seuranta 2028"},
}

#: a preparer's submitted "no climate impact" verdict, with the reason
NO_IMPACT_ANSWERS = {
    "ratings": {"energy": {"rating": "0", "justification": "Ei vaikutusta."}},
    "reason": "Ei.",
}

#: the password of every user a factory makes (a real one: the account service checks its length)
PASSWORD = "correct horse battery staple"


class _Factory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - the app context's session, when used
        sqlalchemy_session_persistence = "commit"


class MunicipalityFactory(_Factory):
    class Meta:
        model = Municipality
        sqlalchemy_get_or_create = ("slug",)

    slug = "hollola"
    name = factory.LazyAttribute(lambda o: o.slug.title())
    language = "fi"


class ConnectorFactory(_Factory):
    class Meta:
        model = Connector
        sqlalchemy_get_or_create = ("municipality", "name")

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = "rest"
    name = "agenda"
    config = factory.LazyFunction(dict)
    webhook_secret_encrypted = "x"


class RestConnectorFactory(_Factory):
    """A REST connector made through the connector service: validated config, encrypted secrets, a real
    webhook secret (shown once by the service; kept on the row as ``plain_webhook_secret`` for signing)."""

    class Meta:
        model = Connector

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = "rest"
    name = factory.LazyAttribute(lambda o: f"{o.municipality.slug} agenda")
    config = factory.LazyAttribute(lambda o: rest_connector_config(o.base_url, o.write_back))

    class Params:
        base_url = "http://127.0.0.1:9"  # nothing listens there
        write_back = True

    @classmethod
    def _create(cls, model_class, municipality, kind, name, config):
        row, secret = create_connector(municipality, kind, name, config)
        row.plain_webhook_secret = secret
        return row


class AgendaItemFactory(_Factory):
    class Meta:
        model = AgendaItem

    connector = factory.SubFactory(ConnectorFactory)
    external_id = factory.Sequence(lambda n: f"x-{n}")
    title = factory.Sequence(lambda n: f"Asia {n}")
    body = ""
    language = "fi"
    content_hash = "h"


class AssessmentFactory(_Factory):
    """A revision of an item's assessment: by default the next one, screened, high, energy."""

    class Meta:
        model = Assessment

    item = factory.SubFactory(AgendaItemFactory)
    revision = factory.LazyAttribute(lambda o: len(o.item.assessments) + 1)
    source = "screening"
    relevance = "high"
    categories = factory.LazyFunction(lambda: ["energy"])
    evidence = factory.LazyFunction(list)
    answers = factory.LazyFunction(dict)
    screening_version = "s"
    content_hash = factory.SelfAttribute("item.content_hash")

    class Params:
        #: what the preparer's form stores on submitting (answers: SUBMITTED_ANSWERS unless given)
        submitted = factory.Trait(
            source="preparer",
            state="submitted",
            answers=factory.LazyFunction(lambda: copy.deepcopy(SUBMITTED_ANSWERS)),
        )


class AssessedItemFactory(AgendaItemFactory):
    """An item with one assessment; set it with ``assessment__<field>=…``."""

    assessment = factory.RelatedFactory(AssessmentFactory, factory_related_name="item")


class RestItemFactory(AssessedItemFactory):
    """A screened item of its own REST connector, made through the service, whose host takes write-backs."""

    connector = factory.SubFactory(RestConnectorFactory)
    external_id = factory.Sequence(lambda n: f"2026-{n}")
    title = "Kirkonkylän koulun lämmitystapamuutos"
    body = "Öljylämmitys korvataan maalämmöllä."
    meeting = "Tekninen lautakunta 12.1.2027"
    content_hash = factory.Sequence(lambda n: f"h{n}")
    assessment = factory.RelatedFactory(
        AssessmentFactory, factory_related_name="item", answers={"checklist_version": "default-1"}
    )


class ScreenedItemFactory(AgendaItemFactory):
    """An item of its own REST connector (made through the service, write-back on), screened and assessed
    by the product itself (``climate_plugin.assessments.service.assess``), as the pipeline leaves it."""

    connector = factory.SubFactory(RestConnectorFactory)
    external_id = "ext-1"
    title = "Koulun peruskorjaus"
    body = "Koulun lämmitys muutetaan öljystä maalämpöön, ja katolle asennetaan aurinkopaneelit."
    meeting = "Tekninen lautakunta 3/2026"
    content_hash = factory.LazyAttribute(lambda o: content_hash(o.title, o.body, o.language))

    @factory.post_generation
    def assessed(item, create, extracted, **kwargs):
        if create:
            assessments.assess(item)
            db.session.commit()


class SubmittedItemFactory(AgendaItemFactory):
    """An item whose preparer submitted the form (answers: SUBMITTED_ANSWERS); ``assessment__<field>=…``."""

    assessment = factory.RelatedFactory(AssessmentFactory, factory_related_name="item", submitted=True)


class DeliveryFactory(_Factory):
    class Meta:
        model = Delivery

    connector = factory.SubFactory(ConnectorFactory)
    delivery_id = factory.Sequence(lambda n: f"msg_{n}")
    event_type = "agenda_item.drafted"
    action = "upsert"
    external_id = "2026-1"
    body = b"{}"
    headers = factory.LazyFunction(dict)


class WriteBackFactory(_Factory):
    """A climate block for an item's current assessment."""

    class Meta:
        model = WriteBack

    item = factory.SubFactory(AssessedItemFactory)
    assessment = factory.LazyAttribute(lambda o: o.item.current_assessment)
    body = factory.LazyFunction(lambda: {"climate": "block"})
    body_hash = "1" * 64
    idempotency_key = factory.Sequence(lambda n: f"key-{n}")


class CommitmentFactory(_Factory):
    class Meta:
        model = Commitment

    item = factory.SubFactory(AssessedItemFactory)
    municipality_id = factory.LazyAttribute(lambda o: o.item.connector.municipality_id)
    what = "Maalämpö"
    target = "-40 % lämmitysenergiaa"
    indicator = "MWh/v"
    due_date = date(2030, 1, 1)
    owner = "Tekninen johtaja"
    status = "open"
    #: what the follow-up found: written when a commitment is closed
    result_note = factory.LazyAttribute(lambda o: None if o.status == "open" else "Toteuma -42 % (2029)")


class CommitmentFormFactory(factory.DictFactory):
    """A commitment as a board member submits it (form or JSON), meeting the Sitoumus2050 criteria."""

    what = "Koulun öljylämmitys korvataan maalämmöllä."
    target = "Lämmityksen CO2-päästöt −90 % vuoden 2025 tasosta"
    indicator = "Kiinteistön öljynkulutus, litraa vuodessa"
    due_date = factory.LazyFunction(lambda: (date.today() + timedelta(days=400)).isoformat())
    owner = "Tekninen johtaja Anna Virtanen"
    owner_email = "anna.virtanen@hollola.fi"
    challenged_committee = "Sivistyslautakunta"


class UserFactory(_Factory):
    """A user made through the account service (argon2 hash, audit entry); ``municipality=None`` for a
    platform administrator."""

    class Meta:
        model = User

    municipality = factory.SubFactory(MunicipalityFactory)
    role = "municipality_admin"
    email = factory.LazyAttribute(
        lambda o: f"{o.role}@{o.municipality.slug if o.municipality else 'platform'}.fi"
    )
    name = factory.LazyAttribute(lambda o: o.email.split("@")[0].replace("_", " ").title())
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, municipality, email, name, role, password):
        user = create_user(municipality, email, name, role, password)
        db.session.commit()
        return user
