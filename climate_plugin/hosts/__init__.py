"""The host systems a municipality connects: connector records, their config and secrets (connector.py),
what administrators do to them (service.py, audited) from the pages, the API and the CLI (admin.py, api.py,
cli.py), and polling hosts that take no webhooks (polling.py).

The adapters themselves are climate_plugin.connectors (the top-level connectors/ folder)."""
