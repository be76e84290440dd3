"""Commitments tied to an agenda item: checking and storing them (service.py), the page and JSON behind the
checklist link (web.py), reminders (reminders.py) and the commands (cli.py)."""
