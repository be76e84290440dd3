"""`climate-plugin screen [FILE]`: screen JSON Lines without a database or a server."""

from __future__ import annotations

import sys

import click


@click.command()
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
def screen(file) -> None:
    """Screen agenda items given as JSON Lines in FILE (default: standard input).

    Each line: {"id", "title", "body", "language"}. Writes one JSON line per item; a bad line gets a
    message on standard error naming it, and the other lines are still screened (exit status 1).
    """
    from climate_plugin.screening import screen_jsonl

    bad = screen_jsonl(file, sys.stdout, sys.stderr)
    if bad:
        sys.exit(1)
