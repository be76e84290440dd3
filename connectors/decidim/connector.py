"""Decidim (participatory democracy platform): meetings and proposals of participatory processes through the
GraphQL API at ``<instance>/api``, polled; the climate block written back as a comment where the instance
gives this service an API user.

Decidim pushes nothing. A poll over ``(since, until]`` walks the chosen processes (every public one by
default) → their ``Meetings`` and ``Proposals`` components → the components' connections, ``page_size``
nodes a page (cursor paging with ``first``/``after``), and reports the nodes whose ``updatedAt`` falls in
the window.
The meetings connection takes no filter in the API versions documented, so every poll pages through the
components whole: about one request per ``page_size`` meetings or proposals.

Items are keyed ``meetings/<process slug>/<component id>/<id>`` and ``proposals/…``. A withdrawn proposal or
meeting is reported deleted; one hidden by moderation is gone from the API, and found gone on the next fetch.

Only fields in the upstream integration specs are asked for (``samples/queries/``), and every value from
outside goes in as a GraphQL variable, never into the query text.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar

from climate_plugin.connectors.base import (
    Capabilities,
    Change,
    Connector,
    FetchedItem,
    PayloadError,
    PollPage,
    WebhookEvent,
)
from climate_plugin.connectors.common.html_pages import html_to_text
from climate_plugin.connectors.common.politeness import PoliteClient
from climate_plugin.connectors.decidim.schema import DecidimConfigSchema
from climate_plugin.outbound import OutboundClient, PermanentError

log = logging.getLogger(__name__)

KINDS = {"meetings": "Meetings", "proposals": "Proposals"}
#: the Ruby class names Decidim's ``commentable`` wants
COMMENTABLE = {"meetings": "Decidim::Meetings::Meeting", "proposals": "Decidim::Proposals::Proposal"}
_SLUG = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
_ID = re.compile(r"^\d{1,18}$")
_EXTERNAL_ID = re.compile(r"^(meetings|proposals)/([A-Za-z0-9_-]{1,200})/(\d{1,18})/(\d{1,18})$")
_LABELS = {
    "minutes": {"fi": "Pöytäkirja", "sv": "Protokoll", "en": "Minutes"},
    "answer": {"fi": "Vastaus", "sv": "Svar", "en": "Answer"},
}

#: a text in the chosen locale, and every language it has (for a text not translated into that one)
TRANSLATED = """
fragment text on TranslatedField { translation(locale: $locale) translations { locale text } }"""
MEETING_FIELDS = (
    """
fragment meeting on Meeting {
  id reference startTime endTime updatedAt closed isWithdrawn acceptsNewComments
  title { ...text } description { ...text } closingReport { ...text }
}"""
    + TRANSLATED
)
PROPOSAL_FIELDS = (
    """
fragment proposal on Proposal {
  id reference state answeredAt publishedAt updatedAt withdrawn voteCount acceptsNewComments
  title { ...text } body { ...text } answer { ...text }
}"""
    + TRANSLATED
)
PROCESSES = """query($locale: String!) {
  participatoryProcesses { id slug title { translation(locale: $locale) } }
}"""
PROCESS = """query($id: ID!, $locale: String!) {
  participatoryProcess(id: $id) {
    id slug title { translation(locale: $locale) }
    components { id __typename }
  }
}"""
PAGES = {
    "meetings": """query($component: ID!, $first: Int!, $after: String, $locale: String!) {
  component(id: $component) {
    id __typename
    ... on Meetings {
      meetings(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { ...meeting } }
      }
    }
  }
}"""
    + MEETING_FIELDS,
    "proposals": """query($component: ID!, $first: Int!, $after: String, $locale: String!) {
  component(id: $component) {
    id __typename
    ... on Proposals {
      proposals(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { ...proposal } }
      }
    }
  }
}"""
    + PROPOSAL_FIELDS,
}
ONE = (
    """query($slug: String!, $component: ID!, $id: ID!, $locale: String!) {
  participatoryProcess(slug: $slug) { id slug title { translation(locale: $locale) } }
  component(id: $component) {
    id __typename
    ... on Meetings { meeting(id: $id) { ...meeting } }
    ... on Proposals { proposal(id: $id) { ...proposal } }
  }
}"""
    + MEETING_FIELDS
    + PROPOSAL_FIELDS.replace(TRANSLATED, "")  # the text fragment once
)
COMMENTS = """query($component: ID!, $id: ID!) {
  component(id: $component) {
    id __typename
    ... on Meetings { meeting(id: $id) { id acceptsNewComments comments { id body } } }
    ... on Proposals { proposal(id: $id) { id acceptsNewComments comments { id body } } }
  }
}"""
ADD_COMMENT = """mutation($id: String!, $type: String!, $locale: String!, $body: String!) {
  commentable(id: $id, type: $type, locale: $locale, toggleTranslations: false) {
    addComment(body: $body, alignment: 0) { id }
  }
}"""


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _translation(value: Any) -> tuple[str, str | None]:
    """(text, its locale): in the chosen locale, else the first language the text has (None: the chosen)."""
    if not isinstance(value, Mapping):
        return "", None
    if isinstance(value.get("translation"), str) and value["translation"].strip():
        return value["translation"], None
    for other in value.get("translations") or ():
        if isinstance(other, Mapping) and isinstance(other.get("text"), str) and other["text"].strip():
            locale = other.get("locale")
            return other["text"], locale if locale in ("fi", "sv", "en") else None
    return "", None


class DecidimConnector(Connector):
    kind = "decidim"
    capabilities = Capabilities(push=False, poll=True, write_back=True, files=False)
    config_schema = DecidimConfigSchema
    secret_fields = ("write_back.api_secret",)
    poll_interval: ClassVar[timedelta] = timedelta(minutes=30)
    #: a poll pages through the components whole whatever the window: few long windows, few requests
    poll_window: ClassVar[timedelta] = timedelta(days=92)
    #: connections list what is there; a proposal hidden by moderation simply stops being listed
    poll_reports_deletions: ClassVar[bool] = False

    def __init__(self, config: Mapping[str, Any], http: OutboundClient) -> None:
        self.settings: dict[str, Any] = DecidimConfigSchema().load(dict(config))
        super().__init__(
            config,
            PoliteClient(
                http,
                self.settings["requests_per_second"],
                self.settings["obey_robots"],
                "the Decidim instance",
            ),
        )
        self.capabilities = Capabilities(  # type: ignore[misc]
            push=False, poll=True, write_back=self.settings["write_back"] is not None, files=False
        )
        self.api = self.settings["base_url"] + "/api"
        self._token: str | None = None

    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], resource: str | None = None
    ) -> WebhookEvent:
        raise PayloadError("Decidim sends no webhooks: this connector is polled")

    # --- the API ---------------------------------------------------------------------------------
    def _query(self, query: str, variables: Mapping[str, Any], auth: bool = False) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            headers["Authorization"] = self._sign_in()
        response = self.http.request(
            "POST", self.api, data=json.dumps({"query": query, "variables": dict(variables)}), headers=headers
        )
        try:
            answer = response.json()
        except ValueError:
            raise PermanentError(
                "the Decidim API's answer is not JSON: is base_url a Decidim instance?"
            ) from None
        if not isinstance(answer, dict):
            raise PermanentError("the Decidim API's answer is not a GraphQL response")
        errors = answer.get("errors")
        if errors:
            messages = (
                "; ".join(str(e.get("message"))[:200] for e in errors if isinstance(e, dict))
                or "unknown error"
            )
            raise PermanentError(f"the Decidim API refused the request: {messages}")
        data = answer.get("data")
        if not isinstance(data, dict):
            raise PermanentError("the Decidim API's answer has no data")
        return data

    def _sign_in(self) -> str:
        """A JWT for the configured API user (``POST /api/sign_in``), once per instance."""
        if self._token is None:
            credentials = self.settings["write_back"]
            body = {"api_user": {"key": credentials["api_key"], "secret": credentials["api_secret"]}}
            try:
                response = self.http.request(
                    "POST",
                    f"{self.api}/sign_in",
                    data=json.dumps(body),
                    headers={"Content-Type": "application/json", "Accept": "application/json"},
                )
            except PermanentError as e:
                if e.status in (401, 403):
                    raise PermanentError(
                        f"the Decidim instance refused the API user (HTTP {e.status}): check "
                        "write_back.api_key and write_back.api_secret",
                        e.status,
                    ) from None
                raise
            token = response.headers.get("Authorization", "").strip()
            if not token:
                raise PermanentError("the Decidim instance signed the API user in but gave no token")
            self._token = token if token.lower().startswith("bearer ") else f"Bearer {token}"
        return self._token

    def _processes(self) -> list[dict[str, Any]]:
        locale = self.settings["locale"]
        wanted = self.settings["processes"]
        listed = self._query(PROCESSES, {"locale": locale}).get("participatoryProcesses") or []
        found = [
            p
            for p in listed
            if isinstance(p, dict) and _ID.match(str(p.get("id", ""))) and _SLUG.match(str(p.get("slug", "")))
        ]
        if wanted:
            chosen = [p for p in found if str(p["id"]) in wanted or p["slug"] in wanted]
            missing = set(wanted) - {str(p["id"]) for p in chosen} - {p["slug"] for p in chosen}
            if missing:
                log.warning(
                    "Decidim %s: processes not listed (private, unpublished or misspelt): %s",
                    self.settings["base_url"],
                    ", ".join(sorted(missing)),
                )
            return chosen
        return found

    # --- polling ---------------------------------------------------------------------------------
    def poll(self, since: datetime | None, until: datetime, page: str | None = None) -> PollPage:
        if page is None:
            work = self._work()
            if not work:
                return PollPage(changes=())
            state: dict[str, Any] = {"work": work, "after": None}
        else:
            state = _read_token(page)
        slug, process, component, kind = state["work"][0]
        data = self._query(
            PAGES[kind],
            {
                "component": component,
                "first": self.settings["page_size"],
                "after": state["after"],
                "locale": self.settings["locale"],
            },
        )
        connection = (data.get("component") or {}).get(kind) or {}
        changes: list[Change] = []
        for edge in connection.get("edges") or ():
            node = edge.get("node") if isinstance(edge, dict) else None
            if not isinstance(node, dict) or not _ID.match(str(node.get("id", ""))):
                continue
            changed = parse_time(node.get("updatedAt"))
            if changed is not None and not ((since is None or changed > since) and changed <= until):
                continue
            external_id = f"{kind}/{slug}/{component}/{node['id']}"
            if node.get("withdrawn") is True or node.get("isWithdrawn") is True:
                changes.append(Change(external_id, "delete", changed))
                continue
            item = self._item(external_id, kind, slug, process, component, node)
            if item is not None:
                changes.append(Change(external_id, "upsert", changed, item=item))
        info = connection.get("pageInfo") or {}
        cursor = info.get("endCursor")
        if (
            info.get("hasNextPage") is True
            and isinstance(cursor, str)
            and cursor
            and cursor != state["after"]
        ):
            token: dict[str, Any] | None = {"work": state["work"], "after": cursor}
        elif len(state["work"]) > 1:
            token = {"work": state["work"][1:], "after": None}
        else:
            token = None
        return PollPage(changes=tuple(changes), next_page=json.dumps(token) if token else None)

    def _work(self) -> list[list[str]]:
        """[process slug, process title, component id, kind] for every component to read."""
        work: list[list[str]] = []
        locale = self.settings["locale"]
        for process in self._processes():
            data = self._query(PROCESS, {"id": str(process["id"]), "locale": locale})
            found = data.get("participatoryProcess") or {}
            title = _translation(found.get("title"))[0] or process["slug"]
            for component in found.get("components") or ():
                if not isinstance(component, dict) or not _ID.match(str(component.get("id", ""))):
                    continue
                for kind in self.settings["components"]:
                    if component.get("__typename") == KINDS[kind]:
                        work.append([process["slug"], title, str(component["id"]), kind])
        return work

    # --- one item --------------------------------------------------------------------------------
    def fetch_item(self, external_id: str) -> FetchedItem | None:
        kind, slug, component, node_id = self._split(external_id)
        data = self._query(
            ONE, {"slug": slug, "component": component, "id": node_id, "locale": self.settings["locale"]}
        )
        process = data.get("participatoryProcess") or {}
        node = (data.get("component") or {}).get(kind[:-1])
        if not isinstance(node, dict) or node.get("withdrawn") is True or node.get("isWithdrawn") is True:
            return None
        title = _translation(process.get("title"))[0] or slug
        return self._item(external_id, kind, slug, title, component, node)

    def _split(self, external_id: str) -> tuple[str, str, str, str]:
        found = _EXTERNAL_ID.match(external_id)
        if not found:
            raise PermanentError(
                f"{external_id[:80]!r} is not a Decidim item id like proposals/<process>/<component>/<id>"
            )
        return found[1], found[2], found[3], found[4]

    def _item(
        self, external_id: str, kind: str, slug: str, process: str, component: str, node: Mapping[str, Any]
    ) -> FetchedItem | None:
        locale = self.settings["locale"]
        raw_title, language = _translation(node.get("title"))
        title = html_to_text(raw_title).replace("\n", " ")
        if not title:
            return None
        # a text not translated into the chosen locale is read in its own language, and said so
        locale = language or locale
        parts = [html_to_text(_translation(node.get("description") or node.get("body"))[0])]
        meeting_label = None
        if kind == "meetings":
            report = html_to_text(_translation(node.get("closingReport"))[0])
            if report:
                parts.append(f"{_LABELS['minutes'][locale]}\n{report}")
            start = parse_time(node.get("startTime"))
            meeting_label = f"{title} {start.day}.{start.month}.{start.year}" if start else title
        else:
            answer = html_to_text(_translation(node.get("answer"))[0])
            if answer:
                parts.append(f"{_LABELS['answer'][locale]}\n{answer}")
        return FetchedItem(
            external_id=external_id,
            title=title[:1000],
            body="\n\n".join(p for p in parts if p),
            language=locale,
            meeting=meeting_label[:500] if meeting_label else None,
            updated_at=parse_time(node.get("updatedAt")),
            url=f"{self.settings['base_url']}/processes/{slug}/f/{component}/{kind}/{node['id']}",
            committee=process[:500] or None,
            extra={
                k: v
                for k, v in {
                    "kind": kind[:-1],
                    "reference": node.get("reference"),
                    "state": node.get("state"),
                    "votes": node.get("voteCount"),
                    "closed": node.get("closed"),
                }.items()
                if v not in (None, "")
            },
        )

    # --- write back ------------------------------------------------------------------------------
    def write_back(self, external_id: str, block: Mapping[str, Any], idempotency_key: str) -> None:
        if self.settings["write_back"] is None:
            raise NotImplementedError("this decidim connector has no write_back API user configured")
        kind, _slug, component, node_id = self._split(external_id)
        marker = f"(climate-plugin {hashlib.sha256(idempotency_key.encode()).hexdigest()[:12]})"
        data = self._query(COMMENTS, {"component": component, "id": node_id}, auth=True)
        node = (data.get("component") or {}).get(kind[:-1])
        if not isinstance(node, dict):
            raise PermanentError(f"{external_id}: the Decidim instance no longer shows this {kind[:-1]}", 404)
        if any(marker in str((c or {}).get("body", "")) for c in node.get("comments") or ()):
            return  # this very block is there already: a retry after a lost answer
        if node.get("acceptsNewComments") is False:
            raise PermanentError(
                f"{external_id}: the Decidim instance does not accept comments on this {kind[:-1]}", 409
            )
        lines = [
            str(block.get("summary") or "").strip(),
            str(block.get("checklist_url") or "").strip(),
            marker,
        ]
        self._query(
            ADD_COMMENT,
            {
                "id": node_id,
                "type": COMMENTABLE[kind],
                "locale": self.settings["locale"],
                "body": "\n".join(line for line in lines if line),
            },
            auth=True,
        )

    def test_connection(self) -> None:
        try:
            processes = self._processes()
        except PermanentError as e:
            if e.status in (404, 405, 410):
                raise PermanentError(
                    f"there is no Decidim API at {self.api} (HTTP {e.status}): check base_url", e.status
                ) from None
            raise
        if not processes:
            wanted = ", ".join(self.settings["processes"])
            raise PermanentError(
                f"the Decidim API lists none of the processes in 'processes' ({wanted})"
                if wanted
                else "the Decidim API lists no public participatory processes"
            )
        if self.settings["write_back"] is not None:
            self._sign_in()


def _read_token(page: str) -> dict[str, Any]:
    try:
        state = json.loads(page)
    except ValueError:
        state = None
    work = state.get("work") if isinstance(state, dict) else None
    after = state.get("after") if isinstance(state, dict) else None
    if (
        not isinstance(work, list)
        or not work
        or not (after is None or isinstance(after, str))
        or not all(
            isinstance(w, list)
            and len(w) == 4
            and all(isinstance(x, str) for x in w)
            and _SLUG.match(w[0])
            and _ID.match(w[2])
            and w[3] in KINDS
            for w in work
        )
    ):
        raise PermanentError("the stored Decidim poll position is not one this connector wrote")
    return state
