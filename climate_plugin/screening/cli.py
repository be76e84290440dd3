"""`climate-plugin screen [FILE]`: screen JSON Lines without a database or a server."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator

import click


@click.command()
@click.argument("file", type=click.File("rb"), default="-")
def screen(file) -> None:
    """Screen agenda items given as JSON Lines in FILE (default: standard input).

    Each line: {"id", "title", "body", "language"}. Writes one JSON line per item; a bad line gets a
    message on standard error naming it, and the other lines are still screened (exit status 1).
    """
    from climate_plugin.screening import screen_jsonl

    undecodable: list[int] = []
    bad = screen_jsonl(_utf8_lines(file, undecodable), sys.stdout, sys.stderr)
    if bad or undecodable:
        sys.exit(1)


def _utf8_lines(raw: Iterable[bytes], undecodable: list[int]) -> Iterator[str]:
    """Decode line by line, so one line that is not UTF-8 is reported by number instead of ending the run
    with a UnicodeDecodeError; in its place an empty line keeps the line numbers of the others."""
    for number, line in enumerate(raw, start=1):
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError:
            undecodable.append(number)
            sys.stderr.write(f"line {number}: not valid UTF-8\n")
            sys.stderr.flush()
            yield "\n"
