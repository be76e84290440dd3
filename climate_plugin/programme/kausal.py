"""Reading a climate programme from Kausal Watch's public GraphQL API (the queries and response shapes in
shared/data/hosts/kausal_watch; ``kausal_fake_host.py`` serves its real sample in the tests).

Two queries, both anonymous (published content only): the plan (it must exist: an unknown identifier answers
``plan: null``) and its actions. Each action becomes a measure row: identifier (the plan's code, e.g. "U1"),
title, sector (its category in the plan's primary action classification), the responsible body (the
primary responsible party), the indicator (the first related indicator), the target (that indicator's last
goal) and the status (the plan-independent status summary, e.g. ``on_time``). Every request goes through
the outbound client, so an address the administrator did not allow is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from climate_plugin.outbound import OutboundClient, OutboundError
from climate_plugin.programme.service import ProgrammeInputError, check_row

#: the backend's path for GraphQL (kausal-watch, aplans/urls.py)
GRAPHQL_PATH = "/v1/graphql/"

PLAN_QUERY = """
query ClimatePluginPlan($plan: ID!) @locale(lang: "%(lang)s") {
  plan(id: $plan) {
    id
    identifier
    name
    primaryLanguage
    otherLanguages
    viewUrl
    primaryActionClassification { identifier }
  }
}
"""

ACTIONS_QUERY = """
query ClimatePluginActions($plan: ID!) @locale(lang: "%(lang)s") {
  planActions(plan: $plan, orderBy: "identifier") {
    id
    identifier
    name
    officialName
    viewUrl
    updatedAt
    endDate
    status { identifier name }
    statusSummary { identifier label }
    categories { id identifier name type { identifier } }
    responsibleParties { role organization { name abbreviation } }
    primaryOrg { name }
    relatedIndicators {
      indicatesActionProgress
      indicator { name unit { name shortName } goals { date value } }
    }
  }
}
"""


@dataclass
class KausalPlan:
    identifier: str
    name: str
    endpoint: str
    rows: list[dict[str, str]]
    urls: dict[str, str | None]

    @property
    def source_ref(self) -> str:
        return f"{self.endpoint}#{self.identifier}"


def graphql_endpoint(url: str) -> str:
    """The GraphQL endpoint for a Kausal Watch address: the API's base URL or the endpoint itself."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ProgrammeInputError(f"{url!r} is not an http(s) URL of a Kausal Watch API")
    path = parts.path.rstrip("/")
    if not path.endswith("/graphql"):
        path = path + GRAPHQL_PATH.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path + "/", "", ""))


def _post(client: OutboundClient, endpoint: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    try:
        response = client.request(
            "POST",
            endpoint,
            data=json.dumps({"query": query, "variables": variables}),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
    except OutboundError as exc:
        raise ProgrammeInputError(f"Kausal Watch at {endpoint}: {exc}") from None
    try:
        body = response.json()
    except ValueError:
        raise ProgrammeInputError(f"Kausal Watch at {endpoint} did not answer JSON") from None
    errors = body.get("errors") if isinstance(body, dict) else None
    if errors:
        first = errors[0].get("message") if isinstance(errors[0], dict) else errors[0]
        raise ProgrammeInputError(f"Kausal Watch at {endpoint} refused the query: {str(first)[:300]}")
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise ProgrammeInputError(f"Kausal Watch at {endpoint} answered without data")
    return data


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _sector(action: dict[str, Any], classification: str | None) -> str:
    categories = [c for c in action.get("categories") or () if isinstance(c, dict)]
    primary = [c for c in categories if ((c.get("type") or {}).get("identifier")) == classification]
    for category in primary or categories:
        if _text(category.get("name")):
            return _text(category["name"])
    return ""


def _responsible(action: dict[str, Any]) -> str:
    parties = [p for p in action.get("responsibleParties") or () if isinstance(p, dict)]
    parties.sort(key=lambda p: p.get("role") != "PRIMARY")  # the primary party first, else the first listed
    for party in parties:
        name = _text((party.get("organization") or {}).get("name"))
        if name:
            return name
    return _text((action.get("primaryOrg") or {}).get("name"))


def _indicator_and_target(action: dict[str, Any]) -> tuple[str, str]:
    related = [r for r in action.get("relatedIndicators") or () if isinstance(r, dict) and r.get("indicator")]
    related.sort(key=lambda r: not r.get("indicatesActionProgress"))
    if not related:
        return "", _text(action.get("endDate"))
    indicator = related[0]["indicator"]
    goals = [g for g in indicator.get("goals") or () if isinstance(g, dict) and g.get("value") is not None]
    target = ""
    if goals:
        goal = max(goals, key=lambda g: g.get("date") or "")
        unit = indicator.get("unit") or {}
        unit_name = _text(unit.get("shortName")) or _text(unit.get("name"))
        year = _text(goal.get("date"))[:4]
        target = " ".join(part for part in (f"{goal['value']:g}", unit_name) if part)
        target += f" ({year})" if year else ""
    return _text(indicator.get("name")), target or _text(action.get("endDate"))


def action_row(action: dict[str, Any], classification: str | None) -> dict[str, str]:
    """One Kausal Watch action as a measure row (checked like a CSV row)."""
    summary = action.get("statusSummary") or {}
    status = _text(summary.get("identifier")).lower() or _text((action.get("status") or {}).get("identifier"))
    indicator, target = _indicator_and_target(action)
    raw = {
        "identifier": _text(action.get("identifier")) or f"kausal-{_text(action.get('id'))}",
        "title": _text(action.get("officialName")) or _text(action.get("name")),
        "sector": _sector(action, classification),
        "responsible_body": _responsible(action),
        "indicator": indicator,
        "target": target,
        "status": status,
    }
    return check_row(raw, f"action {raw['identifier']}")


def fetch_plan(client: OutboundClient, url: str, plan: str, lang: str = "fi") -> KausalPlan:
    """The plan's actions as measure rows; raises ProgrammeInputError with one line saying what failed."""
    endpoint = graphql_endpoint(url)
    lang = lang if lang in ("fi", "sv", "en") else "fi"  # put into the query text: only known codes
    found = _post(client, endpoint, PLAN_QUERY % {"lang": lang}, {"plan": plan}).get("plan")
    if not isinstance(found, dict):
        raise ProgrammeInputError(f"Kausal Watch at {endpoint} has no published plan {plan!r}")
    classification = (found.get("primaryActionClassification") or {}).get("identifier")
    actions = _post(client, endpoint, ACTIONS_QUERY % {"lang": lang}, {"plan": plan}).get("planActions")
    if not isinstance(actions, list):
        raise ProgrammeInputError(f"Kausal Watch at {endpoint} listed no actions for plan {plan!r}")
    rows: list[dict[str, str]] = []
    urls: dict[str, str | None] = {}
    for action in actions:
        if not isinstance(action, dict):
            continue
        row = action_row(action, classification)
        if row["identifier"] in urls:
            raise ProgrammeInputError(f"plan {plan!r} lists action {row['identifier']!r} twice")
        view = _text(action.get("viewUrl"))
        urls[row["identifier"]] = view if view.startswith(("https://", "http://")) else None
        rows.append(row)
    return KausalPlan(_text(found.get("identifier")) or plan, _text(found.get("name")), endpoint, rows, urls)
