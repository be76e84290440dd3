"""Assessments: the screening turned into a stored revision, and the preparer's checklist form and JSON
API (service.py, form.py, web.py), its signed link (links.py), its verdict in words (summary.py) and the
"Climate impacts" section (impact_section.py)."""
