"""The administrators' pages under /admin (server-rendered, fi/sv/en; they work without JavaScript, one
script of the service's own only saves a click).

Per municipality: the overview of what needs attention, the items list, connectors with their sync health,
webhook URL, settings as a form generated from the kind's schema (climate_plugin.admin.schema_form) and a
test that previews a real item, recent deliveries and failures with a redeliver button, failed write-backs,
the checklist as a form, the municipality's settings, users and roles (invitations by e-mail), and the audit
log. Validation messages are shown in the page's language (climate_plugin.web.validation).
Every view is guarded by ``climate_plugin.accounts.require``; every record is looked up through
``climate_plugin.accounts.scoped``, so another municipality's records answer 404 as if they did not exist;
every change goes through the feature's service (which writes the audit log) and every form
carries the cookie-free signed token of ``climate_plugin.web.form_token``. Signing in is
``climate_plugin.accounts``'s page (/admin/login).
"""

from __future__ import annotations

# The page frame is climate_plugin.admin.pages; each feature's admin pages (climate_plugin/<feature>/admin.py)
# register their routes on its blueprint when imported.
from climate_plugin.accounts import admin as _users  # noqa: F401
from climate_plugin.accounts import audit_admin as _audit_log  # noqa: F401
from climate_plugin.admin.pages import bp
from climate_plugin.checklist import admin as _checklist  # noqa: F401
from climate_plugin.deliveries import admin as _deliveries  # noqa: F401
from climate_plugin.hosts import admin as _connectors  # noqa: F401
from climate_plugin.items import admin as _items  # noqa: F401
from climate_plugin.municipalities import admin as _dashboard  # noqa: F401
from climate_plugin.programme import admin as _programme  # noqa: F401
from climate_plugin.reach import admin as _reach  # noqa: F401
from climate_plugin.teams import admin as _teams  # noqa: F401

__all__ = ["bp"]
