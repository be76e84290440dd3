"""A fake Kausal Watch API: a real GraphQL server (graphql-core) at ``/v1/graphql/`` whose schema has the
types and fields of the public API's shapes (shared/data/hosts/kausal_watch), serving the real plan sample
``samples/GetPlanContext.plan__mock-plan-context.json`` and the hand-written
``samples/planActions.sunnydale.json`` (see ``samples/README.md``). A query asking for a field or argument
Kausal Watch does not have fails here as it would there; an unknown plan is ``plan: null``; ``orderBy``
accepts only what the backend accepts.

Knobs for the tests: :meth:`remove` (an action the plan no longer lists), :meth:`change` (new field values),
and the shared ones of :class:`FakeHttpHost` (``fail_next``, ``requests``).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from climate_plugin.connectors.common.fake_http import Answer, FakeHttpHost, Request

SAMPLES = Path(__file__).parent / "samples"
PLAN_SAMPLE = SAMPLES / "GetPlanContext.plan__mock-plan-context.json"
ACTIONS_SAMPLE = SAMPLES / "planActions.sunnydale.json"

SDL = """
directive @locale(lang: String!) on QUERY
directive @workflow(state: WorkflowState = PUBLISHED) on QUERY
enum WorkflowState { APPROVED DRAFT PUBLISHED }
enum ActionStatusSummaryIdentifier {
  CANCELLED COMPLETED IN_PROGRESS LATE MERGED NOT_STARTED ON_TIME OUT_OF_SCOPE POSTPONED UNDEFINED
}
enum ActionResponsiblePartyRole { COLLABORATOR PRIMARY }
enum Sentiment { NEGATIVE NEUTRAL POSITIVE }
type Query {
  plan(id: ID, domain: String): Plan
  planActions(plan: ID!, first: Int, category: ID, orderBy: String): [Action!]
  workflowStates(plan: ID!): [WorkflowStateDescription]
}
type WorkflowStateDescription { id: String description: String }
type CommonCategoryType { identifier: String! name: String! }
type CategoryType { id: ID! identifier: String! name: String hideCategoryIdentifiers: Boolean!
  common: CommonCategoryType }
type ActionStatus { id: ID! identifier: String! name: String! color: String isCompleted: Boolean! }
type ActionImplementationPhase { id: ID! identifier: String! name: String! order: Int! color: String }
type ActionStatusSummary { identifier: ActionStatusSummaryIdentifier! label: String! color: String!
  isActive: Boolean! isCompleted: Boolean! sentiment: Sentiment! }
type SiteGeneralContent { id: ID! siteTitle: String! siteDescription: String! actionTerm: String! }
type Plan {
  id: ID! identifier: String! name: String! shortName: String versionName: String! themeIdentifier: String
  primaryLanguage: String! otherLanguages: [String!]! hideActionIdentifiers: Boolean! publishedAt: String
  viewUrl(clientUrl: String): String serveFileBaseUrl: String!
  primaryActionClassification: CategoryType secondaryActionClassification: CategoryType
  actionStatuses: [ActionStatus!]! actionImplementationPhases: [ActionImplementationPhase!]!
  actionStatusSummaries: [ActionStatusSummary!]! generalContent: SiteGeneralContent!
}
type Category { id: ID! identifier: String! name: String! type: CategoryType! }
type Organization { id: ID! abbreviation: String name: String! }
type ActionResponsibleParty { id: ID! role: ActionResponsiblePartyRole hasContactPerson: Boolean!
  organization: Organization! }
type Unit { name: String shortName: String }
type IndicatorGoal { id: ID! date: String value: Float! }
type Indicator { id: ID! name: String! unit: Unit! goals: [IndicatorGoal] }
type ActionIndicator { id: ID! indicatesActionProgress: Boolean! indicator: Indicator! }
type PlanRef { id: ID! }
type Action {
  id: ID! identifier: String! name(hyphenated: Boolean): String! officialName: String
  viewUrl(clientUrl: String): String! updatedAt: String! startDate: String endDate: String completion: Int
  status: ActionStatus statusSummary: ActionStatusSummary! implementationPhase: ActionImplementationPhase
  categories(categoryType: ID): [Category!]! responsibleParties: [ActionResponsibleParty!]!
  primaryOrg: Organization relatedIndicators: [ActionIndicator!]! plan: PlanRef!
}
"""

_ORDERABLE = ("updatedAt", "identifier")


class KausalFakeHost(FakeHttpHost):
    def __init__(self) -> None:
        from graphql import build_schema

        self.plan: dict[str, Any] = json.loads(PLAN_SAMPLE.read_text(encoding="utf-8"))
        self.actions: list[dict[str, Any]] = json.loads(ACTIONS_SAMPLE.read_text(encoding="utf-8"))[
            "planActions"
        ]
        self.schema = build_schema(SDL)
        self._wire()
        super().__init__()

    @property
    def graphql_url(self) -> str:
        return self.base_url + "/v1/graphql/"

    # --- knobs -----------------------------------------------------------------------------------
    def remove(self, identifier: str) -> None:
        with self.lock:
            self.actions = [a for a in self.actions if a["identifier"] != identifier]

    def delete(self, external_id: str) -> None:
        self.remove(external_id)

    def change(self, identifier: str, **fields: Any) -> None:
        with self.lock:
            next(a for a in self.actions if a["identifier"] == identifier).update(fields)

    # --- resolvers -------------------------------------------------------------------------------
    def _wire(self) -> None:
        types = self.schema.type_map

        def field(type_name: str, name: str, resolve: Any) -> None:
            types[type_name].fields[name].resolve = resolve  # type: ignore[attr-defined]

        field("Query", "plan", self._plan)
        field("Query", "planActions", self._actions)
        field("Query", "workflowStates", lambda *_a, **_k: [{"id": "PUBLISHED", "description": "Published"}])
        field("Action", "name", lambda action, _info, hyphenated=False: action["name"])
        field("Action", "viewUrl", lambda action, _info, clientUrl=None: action["viewUrl"])  # noqa: N803
        field("Plan", "viewUrl", lambda plan, _info, clientUrl=None: plan.get("viewUrl"))  # noqa: N803
        field("Action", "categories", self._categories)

    def _plan(self, _root: Any, _info: Any, id: str | None = None, domain: str | None = None) -> Any:
        if id is None and domain is None:
            raise ValueError("You must supply either id or domain as arguments to 'plan'")
        return copy.deepcopy(self.plan) if id is not None and id.lower() == self.plan["identifier"] else None

    def _actions(
        self,
        _root: Any,
        _info: Any,
        plan: str,
        first: int | None = None,
        category: str | None = None,
        orderBy: str | None = None,
    ) -> Any:  # noqa: N803 - the API's argument name
        if plan.lower() != self.plan["identifier"]:
            return []
        actions = copy.deepcopy(self.actions)
        if orderBy is not None:
            key = orderBy.lstrip("-")
            if key not in _ORDERABLE:
                raise ValueError("Only orderable fields are: updatedAt, identifier")
            actions.sort(key=lambda a: a[key], reverse=orderBy.startswith("-"))
        if category is not None:
            actions = [a for a in actions if any(c["id"] == category for c in a["categories"])]
        return actions[:first] if first is not None else actions

    def _categories(self, action: dict[str, Any], _info: Any, categoryType: str | None = None) -> Any:  # noqa: N803
        return [
            c for c in action["categories"] if categoryType is None or c["type"]["identifier"] == categoryType
        ]

    # --- HTTP ------------------------------------------------------------------------------------
    def answer(self, request: Request) -> Answer:
        if request.path.rstrip("/") != "/v1/graphql":
            return self.not_found()
        if request.method != "POST":
            return Answer(405, b'{"errors": [{"message": "POST a GraphQL query"}]}', "application/json")
        if not request.headers.get("content-type", "").startswith("application/json"):
            return Answer(400, b'{"errors": [{"message": "Must provide query string."}]}', "application/json")
        from graphql import graphql_sync

        try:
            payload = json.loads(request.body)
        except ValueError:
            return Answer(400, b'{"errors": [{"message": "the body is not JSON"}]}', "application/json")
        result = graphql_sync(
            self.schema,
            payload.get("query", ""),
            variable_values=payload.get("variables"),
            operation_name=payload.get("operationName"),
        )
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [{"message": e.message} for e in result.errors]
        return Answer(200, json.dumps(body).encode(), "application/json")
