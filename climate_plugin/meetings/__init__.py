"""The meeting view for board members: its signed link (links.py), the embeddable page (web.py) and the
link command (cli.py)."""
