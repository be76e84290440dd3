"""Municipalities (tenants): registering and changing them (service.py, audited) from the admin pages, the
API and the CLI (admin.py, api.py, cli.py)."""
