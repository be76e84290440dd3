"""The `climate-plugin` command: Flask's CLI with this project's commands.

Every command that can be given wrong input says what is wrong in one line and exits non-zero;
no traceback reaches an administrator.
"""

from __future__ import annotations

import functools
import sys

import click
from flask.cli import FlaskGroup

from climate_plugin.config import ConfigError


def _create_app():
    from climate_plugin.app import create_app

    try:
        return create_app()
    except ConfigError as exc:
        click.echo(f"climate-plugin: {exc}", err=True)
        sys.exit(2)


class _Commands(FlaskGroup):
    """Gathers the features' commands on first use: each feature's cli module imports
    climate_plugin.cli.common, so gathering them while this package is being imported would be circular."""

    def get_command(self, ctx: click.Context, name: str):
        _register()
        return super().get_command(ctx, name)

    def list_commands(self, ctx: click.Context):
        _register()
        return super().list_commands(ctx)


@click.group(cls=_Commands, create_app=_create_app, add_default_commands=False, add_version_option=False)
def main() -> None:
    """climate-plugin: climate screening and checklists for municipal agenda systems."""


@functools.cache
def _register() -> None:
    # Each feature keeps its commands next to its service (climate_plugin/<feature>/cli.py).
    from climate_plugin.accounts import cli as accounts_cli
    from climate_plugin.badges.cli import badges
    from climate_plugin.checklist.cli import checklist
    from climate_plugin.cli import demo, run
    from climate_plugin.cli.secrets import secrets
    from climate_plugin.commitments.cli import commitments, outbox
    from climate_plugin.deliveries.cli import deliveries
    from climate_plugin.hosts.cli import connector
    from climate_plugin.items.cli import items
    from climate_plugin.meetings.cli import meeting
    from climate_plugin.municipalities.cli import municipality
    from climate_plugin.programme.cli import programme
    from climate_plugin.reach.cli import reach
    from climate_plugin.regions.cli import region
    from climate_plugin.reviews.cli import coordinator
    from climate_plugin.screening.cli import screen, screening
    from climate_plugin.teams.cli import teams

    for command in (
        screen,
        screening,
        municipality,
        connector,
        deliveries,
        items,
        secrets,
        checklist,
        run.serve,
        run.worker,
        run.beat,
        demo.demo,
        coordinator,
        outbox,
        commitments,
        *accounts_cli.commands,
        badges,
        meeting,
        teams,
        programme,
        reach,
        region,
    ):
        main.add_command(command)

