"""The climate coordinator: escalated assessments, the daily sample, reviews (service.py), their pages
behind a signed link (web.py) and the link command (cli.py)."""
