"""Agenda items as their host systems report them: storing them (store.py), reading their PDF attachments
(attachments.py); the API's and the CLI's item listings (api.py, cli.py)."""
