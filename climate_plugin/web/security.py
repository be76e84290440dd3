"""The security headers of every answer, in one place: one content security policy, and per area of the
site only what differs (who may frame it, whether a copy may be kept).

Pages need nothing but inline styles, images and form posts to this service, and no scripts (the API
documentation page runs Swagger UI, from this service: see DOCS_CSP; the admin pages one small script of
their own: see ADMIN_CSP); links are
the keys to several pages, so they never leak through the Referer header or into search engines.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, g, request

#: the policy of every page (frame-ancestors is added per area)
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'"
#: the admin pages: one script of this service's own (static/admin-form.js: a select that switches a form),
#: progressive only, every form works without it
ADMIN_CSP = CSP.replace("default-src 'none';", "default-src 'none'; script-src 'self';")
#: badge images: an SVG opened on its own must not run anything (they carry no script anyway)
IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'"
#: the API documentation page runs Swagger UI, served by this service: scripts, styles and the OpenAPI
#: document from here only (its icons are data: URLs); nothing from anywhere else
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'"
)


@dataclass(frozen=True)
class Policy:
    #: who may frame the page: a CSP frame-ancestors value, or None for anyone (no frame-ancestors)
    frame_ancestors: str | None = "'none'"
    #: answers that show something once (a new secret) or per person: nothing may keep a copy
    no_store: bool = False
    csp: str = CSP
    #: public, non-personal data without cookies that hosts' own pages may fetch
    cors_any: bool = False


#: by blueprint name; anything else (sign-in, the API, its docs page, webhooks) gets DEFAULT
POLICIES: dict[str, Policy] = {
    # the preparer's form works inside any host system's frame
    "public": Policy(frame_ancestors=None),
    "commitments": Policy(frame_ancestors="'self'", no_store=True),
    "coordinator": Policy(no_store=True),
    "admin": Policy(no_store=True, csp=ADMIN_CSP),
    # the sign-in page carries a form token: no copy kept, like the admin pages it leads to
    "auth": Policy(no_store=True),
    # the meeting view's framing comes from its municipality's settings: see frame_ancestors_for()
    "meeting_view": Policy(frame_ancestors="'self'"),
    "badges": Policy(frame_ancestors=None, csp=IMAGE_CSP, cors_any=True),
    "api_docs_page": Policy(csp=DOCS_CSP),
}
DEFAULT = Policy()


def frame_ancestors_for(sources: str) -> None:
    """Let this answer be framed by ``sources`` (the meeting view: the origins a municipality allows)."""
    g.frame_ancestors = sources


def _headers(response: Response) -> Response:
    policy = POLICIES.get(request.blueprint or "", DEFAULT)
    for name, value in _policy_headers(policy, g.get("frame_ancestors", policy.frame_ancestors)):
        if name == "Cache-Control":
            response.headers[name] = value
        else:
            response.headers.setdefault(name, value)
    # No X-Frame-Options: it cannot name several origins, and frame-ancestors supersedes it.
    response.headers.pop("X-Frame-Options", None)
    return response


def headers_of(blueprint: str) -> list[tuple[str, str]]:
    """The security headers of an answer from ``blueprint`` that sets none of its own: for an answer made
    outside Flask's request handling (the webhook fast path), the same as ``_headers`` gives it."""
    policy = POLICIES.get(blueprint, DEFAULT)
    return _policy_headers(policy, policy.frame_ancestors)


def _policy_headers(policy: Policy, ancestors: str | None) -> list[tuple[str, str]]:
    csp = policy.csp if ancestors is None else f"{policy.csp}; frame-ancestors {ancestors}"
    headers = [
        ("Content-Security-Policy", csp),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Robots-Tag", "noindex"),
    ]
    if policy.no_store:
        headers.append(("Cache-Control", "no-store"))
    if policy.cors_any:
        headers.append(("Access-Control-Allow-Origin", "*"))
    return headers


def init_app(app: Flask) -> None:
    app.after_request(_headers)
