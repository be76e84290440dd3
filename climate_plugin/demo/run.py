"""One run of the demo: a sample agenda system and a connector per demo municipality, an administrator with a
fresh password, and the front page's demo section that links to every face of the service."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from markupsafe import Markup
from sqlalchemy import select

from climate_plugin.demo.items import DEMO_ITEMS, MUNICIPALITIES
from climate_plugin.demo.sample_host import SampleHost, rest_connector_config

#: the demo's administrator: a platform admin, so every demo municipality is in reach
ADMIN_EMAIL = "admin@demo.invalid"
ADMIN_NAME = "Demo Admin"


@dataclass
class DemoRun:
    app: Flask
    public_url: str
    admin_email: str = ADMIN_EMAIL
    #: new each run, shown on the front page and in the terminal (the demo listens on 127.0.0.1 only)
    admin_password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    hosts: dict[str, SampleHost] = field(default_factory=dict)
    connectors: dict[str, int] = field(default_factory=dict)

    def start(self) -> None:
        from climate_plugin.accounts.users import create_user
        from climate_plugin.db import db
        from climate_plugin.hosts.connector import create_connector, webhook_url
        from climate_plugin.models import Municipality
        from climate_plugin.web.home import add_section

        used = {item["municipality"] for item in DEMO_ITEMS}
        with self.app.app_context():
            for slug, town in MUNICIPALITIES.items():
                if slug not in used:
                    continue
                host = self.hosts[slug] = SampleHost().start()
                row = Municipality(slug=slug, name=town["name"], language=town["language"])
                db.session.add(row)
                db.session.commit()
                connector, secret = create_connector(
                    row, "rest", "Sample agenda system", rest_connector_config(host.base_url)
                )
                host.configure_webhook(webhook_url(connector), secret)
                self.connectors[slug] = connector.id
            create_user(None, self.admin_email, ADMIN_NAME, "platform_admin", self.admin_password)
            db.session.commit()
        add_section(self.app, self.section)

    def stop(self) -> None:
        for host in self.hosts.values():
            host.stop()

    def written_back(self) -> set[str]:
        """The demo items whose climate block reached their agenda system."""
        return {item_id for host in self.hosts.values() for item_id in host.climate_blocks()}

    def rows(self) -> list[dict[str, Any]]:
        """Each demo item as screened, in the demo's order, with its checklist link; where the screening
        gives another level than the coordinator's label, ``differs`` says why."""
        from climate_plugin.assessments.links import checklist_url
        from climate_plugin.db import db
        from climate_plugin.models import AgendaItem

        with self.app.app_context():
            stored = {
                (item.connector_id, item.external_id): item
                for item in db.session.scalars(
                    select(AgendaItem).where(AgendaItem.connector_id.in_(self.connectors.values()))
                )
            }
            rows = []
            for demo_item in DEMO_ITEMS:
                item = stored.get((self.connectors[demo_item["municipality"]], demo_item["id"]))
                if item is None:
                    continue
                assessment = item.current_assessment
                relevance = assessment.relevance if assessment else "-"
                rows.append(
                    {
                        "item": item.external_id,
                        "municipality": demo_item["municipality"],
                        "language": item.language,
                        "title": item.title,
                        "meeting": item.meeting,
                        "relevance": relevance,
                        "expected": demo_item["expected"],
                        "differs": (
                            demo_item.get("screening_differs") or "(no note)"
                            if relevance not in ("-", demo_item["expected"])
                            else None
                        ),
                        "categories": assessment.categories if assessment else [],
                        "checklist_url": checklist_url(item, self.public_url),
                    }
                )
            return rows

    # --- the front page's demo section ----------------------------------------------------------------
    def section(self, lang: str) -> Markup:
        """Every face of the service, per municipality: its items' checklists (with the screening's level,
        the expected one, and why they differ), its meeting views, its coordinator's page, its agenda
        system; and the demo login to /admin. Rendered per request: the links are signed as of now."""
        from climate_plugin.db import db
        from climate_plugin.i18n import MESSAGES
        from climate_plugin.meetings.links import meeting_url
        from climate_plugin.models import Municipality
        from climate_plugin.reviews.service import coordinator_url
        from climate_plugin.web.render import render

        by_town: dict[str, list[dict]] = defaultdict(list)
        for row in self.rows():
            # the note in the page's language where the catalogue has it, else as written (in English)
            translated = MESSAGES.get(f"demo.differs.{row['item']}", {}).get(lang) if row["differs"] else None
            note = {"note": translated or row["differs"], "note_lang": lang if translated else "en"}
            by_town[row["municipality"]].append({**row, **note})
        towns = []
        for slug, rows in by_town.items():
            municipality = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
            meetings = sorted({row["meeting"] for row in rows if row["meeting"]})
            towns.append(
                {
                    "slug": slug,
                    "name": MUNICIPALITIES[slug]["name"],
                    "items": rows,
                    "meetings": [
                        {"name": name, "url": meeting_url(self.connectors[slug], name, self.public_url)}
                        for name in meetings
                    ],
                    "coordinator_url": coordinator_url(municipality, self.public_url),
                    "host_url": self.hosts[slug].base_url + "/",
                }
            )
        return Markup(
            render(
                "demo/landing.html",
                lang,
                towns=towns,
                count=sum(len(town["items"]) for town in towns),
                admin_email=self.admin_email,
                admin_password=self.admin_password,
            )
        )
