"""The municipality's climate programme: its measures (imported from CSV or Kausal Watch, or proposed by a
climate team), and the decisions, commitments and solutions that advance them or conflict with them.

``service.py`` changes measures and links (the only code that does, with the audit entry); ``csv_import.py``
and ``kausal.py`` read the two sources into rows; the faces are ``admin.py``, ``api.py``, ``cli.py`` and
``web.py`` (a measure's page for team members, through their signed link)."""
