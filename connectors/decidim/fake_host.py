"""A fake Decidim instance: a real GraphQL server (graphql-core) at ``/api`` whose schema has the types and
fields of the upstream integration specs (the queries in ``samples/queries/`` validate against it), serving
``samples/instance.json``; ``POST /api/sign_in`` for API users; comments through ``commentable.addComment``.

No response of a real Decidim instance is available, so the data is written for the tests (see its
``_note``); what is real is the API's shape: a query asking for a field Decidim does not have fails here as
it would there. Knobs: :meth:`delete` (hidden by moderation: gone from the API), :meth:`change` (new text and
``updatedAt``), ``comments_closed``, ``robots_txt``.
"""

from __future__ import annotations

import base64
import copy
import json
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from climate_plugin.connectors.common.fake_http import Answer, FakeHttpHost, Request

SAMPLES = Path(__file__).parent / "samples"
API_KEY, API_SECRET = "climate-plugin-api-user", "s3cret-decidim-api"

SDL = """
type Query {
  decidim: Decidim
  participatoryProcesses(filter: ParticipatoryProcessInputFilter, order: ParticipatoryProcessInputSort):
    [ParticipatoryProcess!]!
  participatoryProcess(id: ID, slug: String): ParticipatoryProcess
  component(id: ID!): Component
}
type Mutation {
  commentable(id: String!, type: String!, locale: String!, toggleTranslations: Boolean!):
    CommentableMutation
}
type CommentableMutation { addComment(body: String!, alignment: Int, userGroupId: ID): Comment }
input ParticipatoryProcessInputFilter { publishedSince: String, publishedBefore: String }
input ParticipatoryProcessInputSort { publishedAt: String, id: String }
input ComponentInputFilter { type: String, withGeolocationEnabled: Boolean }
input ProposalInputFilter { publishedSince: String, publishedBefore: String }
input ProposalInputSort { publishedAt: String, likeCount: String, id: String }
type Decidim { version: String }
type TranslatedField {
  translation(locale: String!): String translations(locales: [String]): [LocalizedString!]!
}
type LocalizedString { locale: String! text: String }
type ParticipatoryProcess {
  id: ID! slug: String! title: TranslatedField! publishedAt: String updatedAt: String type: String
  components(filter: ComponentInputFilter): [Component!]!
}
type ParticipatorySpace { id: ID! type: String! }
interface Component { id: ID! name: TranslatedField! weight: Int! participatorySpace: ParticipatorySpace }
type Pages implements Component { id: ID! name: TranslatedField! weight: Int! participatorySpace:
    ParticipatorySpace }
type Meetings implements Component {
  id: ID! name: TranslatedField! weight: Int! participatorySpace: ParticipatorySpace
  meetings(first: Int, after: String, last: Int, before: String): MeetingConnection!
  meeting(id: ID!): Meeting
}
type Proposals implements Component {
  id: ID! name: TranslatedField! weight: Int! participatorySpace: ParticipatorySpace
  proposals(first: Int, after: String, last: Int, before: String, order: ProposalInputSort,
            filter: ProposalInputFilter): ProposalConnection!
  proposal(id: ID!): Proposal
}
type PageInfo { endCursor: String startCursor: String hasPreviousPage: Boolean! hasNextPage: Boolean! }
type MeetingConnection { edges: [MeetingEdge!]! pageInfo: PageInfo! }
type MeetingEdge { node: Meeting! cursor: String! }
type ProposalConnection { edges: [ProposalEdge!]! pageInfo: PageInfo! }
type ProposalEdge { node: Proposal! cursor: String! }
type IdOnly { id: ID! }
type Attachment { url: String thumbnail: String type: String }
type Coordinates { latitude: Float longitude: Float }
type Service { title: TranslatedField description: TranslatedField }
type Comment { id: ID! body: String }
type Like { id: ID! deleted: Boolean name: String nickname: String organizationName: TranslatedField
    profilePath: String }
type Fingerprint { source: String value: String }
type Version { id: ID! changeset: String createdAt: String editor: IdOnly }
type Amendment { id: ID! state: String amender: IdOnly amendable: IdOnly emendation: IdOnly
    emendationType: String amendableType: String }
type Meeting {
  acceptsNewComments: Boolean address: String agenda: IdOnly attachments: [Attachment!]! attendeeCount: Int
  attendingOrganizations: String taxonomies: [IdOnly!]! closed: Boolean closingReport: TranslatedField
  isWithdrawn: Boolean videoUrl: String audioUrl: String comments: [Comment!]! commentsHaveAlignment:
    Boolean
  commentsHaveVotes: Boolean contributionCount: Int coordinates: Coordinates createdAt: String
  description: TranslatedField endTime: String hasComments: Boolean id: ID! location: TranslatedField
  locationHints: TranslatedField privateMeeting: Boolean proposalsFromMeeting: [IdOnly!]! reference: String
  registrationForm: IdOnly registrationsEnabled: Boolean registrationTerms: TranslatedField
    remainingSlots: Int
  services: [Service!]! startTime: String title: TranslatedField totalCommentsCount: Int transparent:
    Boolean
  type: String updatedAt: String userAllowedToComment: Boolean
}
type Proposal {
  acceptsNewComments: Boolean address: String amendments: [Amendment!]! answer: TranslatedField
    answeredAt: String
  attachments: [Attachment!]! author: IdOnly authors: [IdOnly!]! authorsCount: Int body: TranslatedField
  taxonomies: [IdOnly!]! comments: [Comment!]! commentsHaveAlignment: Boolean commentsHaveVotes: Boolean
  coordinates: Coordinates createdAt: String createdInMeeting: Boolean likes: [Like!]! likesCount: Int
  fingerprint: Fingerprint hasComments: Boolean id: ID! meeting: IdOnly official: Boolean
  participatoryTextLevel: String position: Int publishedAt: String reference: String state: String
  title: TranslatedField totalCommentsCount: Int type: String updatedAt: String userAllowedToComment:
    Boolean
  versions: [Version!]! versionsCount: Int voteCount: Int withdrawn: Boolean withdrawnAt: String
}
"""

#: list fields a node has that the sample data leaves out
_LISTS = (
    "attachments",
    "taxonomies",
    "comments",
    "proposalsFromMeeting",
    "services",
    "amendments",
    "authors",
    "likes",
    "versions",
)


def _cursor(index: int) -> str:
    # as Decidim (graphql-ruby) makes them: base64 of the 1-based offset, unpadded ("Mg" is 2)
    return base64.b64encode(str(index).encode()).decode().rstrip("=")


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except ValueError:
        raise ValueError(f"invalid cursor {cursor!r}") from None


class DecidimFakeHost(FakeHttpHost):
    def __init__(self) -> None:
        from graphql import build_schema

        data = json.loads((SAMPLES / "instance.json").read_text(encoding="utf-8"))
        self.processes: list[dict[str, Any]] = data["processes"]
        self.nodes: dict[str, dict[str, list[dict[str, Any]]]] = {
            "meetings": data["meetings"],
            "proposals": data["proposals"],
        }
        for listed in self.nodes.values():
            for nodes in listed.values():
                for node in nodes:
                    node.setdefault("comments", [])
        self.comments_closed = False
        self.tokens: set[str] = set()
        self.schema = build_schema(SDL)
        self._wire()
        super().__init__()

    # --- knobs -----------------------------------------------------------------------------------
    def _find(self, external_id: str) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
        kind, _slug, component, node_id = external_id.split("/")
        for node in self.nodes[kind].get(component, []):
            if node["id"] == node_id:
                return self.nodes[kind][component], node
        return None

    def delete(self, external_id: str) -> None:
        """Hidden by moderation: gone from every listing and lookup."""
        with self.lock:
            found = self._find(external_id)
            if found:
                found[0].remove(found[1])

    def change(self, external_id: str, updated: datetime, **fields: Any) -> None:
        with self.lock:
            _, node = self._find(external_id)
            node.update(fields, updatedAt=updated.astimezone(UTC).isoformat(timespec="seconds"))

    def comments(self, external_id: str) -> list[str]:
        found = self._find(external_id)
        return [c["body"] for c in found[1]["comments"]] if found else []

    def write_backs(self, external_id: str) -> int:
        return len(self.comments(external_id))

    # --- the GraphQL schema's resolvers ----------------------------------------------------------
    def _wire(self) -> None:
        types = self.schema.type_map

        def field(type_name: str, name: str, resolve: Any) -> None:
            types[type_name].fields[name].resolve = resolve  # type: ignore[attr-defined]

        field("TranslatedField", "translation", lambda obj, _info, locale: obj.get(locale))
        field(
            "TranslatedField",
            "translations",
            lambda obj, _info, locales=None: [
                {"locale": k, "text": v} for k, v in obj.items() if locales is None or k in locales
            ],
        )
        field("Query", "decidim", lambda *_: {"version": "0.28.0"})
        field("Query", "participatoryProcesses", lambda *_a, **_k: self.processes)
        field("Query", "participatoryProcess", self._process)
        field("Query", "component", self._component)
        field("ParticipatoryProcess", "components", self._components)
        for kind, one in (("Meetings", "meeting"), ("Proposals", "proposal")):
            field(kind, kind.lower(), self._connection(kind.lower()))
            field(kind, one, self._one(kind.lower()))
        field("Mutation", "commentable", self._commentable)
        field("CommentableMutation", "addComment", self._add_comment)
        types["Component"].resolve_type = lambda obj, *_: obj["__typename"]  # type: ignore[attr-defined]

    def _process(self, _root: Any, _info: Any, id: str | None = None, slug: str | None = None) -> Any:
        return next((p for p in self.processes if str(id) == p["id"] or slug == p["slug"]), None)

    def _components(self, process: dict[str, Any], _info: Any, filter: dict | None = None) -> Any:
        wanted = (filter or {}).get("type")
        return [c for c in process["components"] if wanted is None or c["__typename"] == wanted]

    def _component(self, _root: Any, _info: Any, id: str) -> Any:
        for process in self.processes:
            for component in process["components"]:
                if component["id"] == str(id):
                    return component
        return None

    def _node(self, node: dict[str, Any]) -> dict[str, Any]:
        shown = copy.deepcopy(node)
        for name in _LISTS:
            shown.setdefault(name, [])
        return shown

    def _connection(self, kind: str) -> Any:
        def resolve(
            component: dict[str, Any],
            _info: Any,
            first: int | None = None,
            after: str | None = None,
            **_: Any,
        ) -> dict[str, Any]:
            nodes = self.nodes[kind].get(component["id"], [])
            start = _offset(after)
            end = len(nodes) if first is None else min(len(nodes), start + first)
            edges = [
                {"node": self._node(n), "cursor": _cursor(i + 1)}
                for i, n in enumerate(nodes[start:end], start)
            ]
            return {
                "edges": edges,
                "pageInfo": {
                    "startCursor": _cursor(start + 1) if edges else None,
                    "endCursor": _cursor(end) if edges else None,
                    "hasPreviousPage": start > 0,
                    "hasNextPage": end < len(nodes),
                },
            }

        return resolve

    def _one(self, kind: str) -> Any:
        def resolve(component: dict[str, Any], _info: Any, id: str) -> Any:
            node = next((n for n in self.nodes[kind].get(component["id"], []) if n["id"] == str(id)), None)
            return self._node(node) if node else None

        return resolve

    def _commentable(
        self, _root: Any, info: Any, id: str, type: str, locale: str, toggleTranslations: bool
    ) -> Any:  # noqa: N803 - the API's argument name
        if info.context.get("authorization") not in self.tokens:
            raise PermissionError("You are not authorized to perform this action")
        kind = {"Decidim::Meetings::Meeting": "meetings", "Decidim::Proposals::Proposal": "proposals"}.get(
            type
        )
        for nodes in self.nodes.get(kind or "", {}).values():
            for node in nodes:
                if node["id"] == id:
                    return node
        raise LookupError(f"no {type} with id {id}")

    def _add_comment(self, node: dict[str, Any], _info: Any, body: str, **_: Any) -> dict[str, Any]:
        if self.comments_closed or node.get("acceptsNewComments") is False:
            raise PermissionError("Comments are closed")
        comment = {
            "id": str(
                1000 + sum(len(n["comments"]) for c in self.nodes.values() for ns in c.values() for n in ns)
            ),
            "body": body,
        }
        node["comments"].append(comment)
        return comment

    # --- HTTP ------------------------------------------------------------------------------------
    def answer(self, request: Request) -> Answer:
        if request.method != "POST":
            return self.not_found()
        if request.path == "/api/sign_in":
            try:
                user = json.loads(request.body)["api_user"]
            except (ValueError, KeyError, TypeError):
                return Answer(400, b'{"error": "bad request"}', "application/json")
            if (user.get("key"), user.get("secret")) != (API_KEY, API_SECRET):
                return Answer(401, b'{"error": "Invalid key or secret"}', "application/json")
            token = "Bearer " + secrets.token_urlsafe(24)
            self.tokens.add(token)
            return Answer(200, b'{"status": "ok"}', "application/json", {"Authorization": token})
        if request.path != "/api":
            return self.not_found()
        if not request.headers.get("content-type", "").startswith("application/json"):
            return Answer(
                415, b'{"errors": [{"message": "Content-Type must be application/json"}]}', "application/json"
            )
        from graphql import graphql_sync

        try:
            payload = json.loads(request.body)
        except ValueError:
            return Answer(400, b'{"errors": [{"message": "the body is not JSON"}]}', "application/json")
        result = graphql_sync(
            self.schema,
            payload.get("query", ""),
            variable_values=payload.get("variables"),
            context_value={"authorization": request.headers.get("authorization")},
        )
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [{"message": e.message} for e in result.errors]
        return Answer(200, json.dumps(body).encode(), "application/json")
