"""The administrators' pages under /admin (server-rendered, fi/sv/en, no JavaScript).

Per municipality: connectors with their sync health and webhook URL, recent deliveries and failures with a
redeliver button, failed write-backs, the checklist template editor, users and roles, and the audit log.
Every view is guarded by ``climate_plugin.auth.require``; every record is looked up through
``climate_plugin.auth.scoped``, so another municipality's records answer 404 as if they did not exist;
every change goes through ``climate_plugin.admin_service`` (which writes the audit log) and every form
carries the cookie-free signed token of ``climate_plugin.form_token``. Signing in is
``climate_plugin.auth``'s page (/admin/login).
"""

from __future__ import annotations

# The view modules register their routes on ``bp`` when imported.
from climate_plugin.admin import audit_log, checklist, connectors, dashboard, deliveries, users  # noqa: F401
from climate_plugin.admin.pages import bp

__all__ = ["bp"]
