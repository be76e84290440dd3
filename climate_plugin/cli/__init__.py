"""The `climate-plugin` command: Flask's CLI with this project's commands.

Every command that can be given wrong input says what is wrong in one line and exits non-zero;
no traceback reaches an administrator.
"""

from __future__ import annotations

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


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def main() -> None:
    """climate-plugin: climate screening and checklists for municipal agenda systems."""


def _register() -> None:
    from climate_plugin.cli import admin, checklist, demo, run, screen
    from climate_plugin.cli import auth as auth_cli
    from climate_plugin.cli import coordinator as coordinator_cli
    from climate_plugin.cli import screening as screening_cli
    from climate_plugin.cli.badges import badges
    from climate_plugin.cli.meeting import meeting

    main.add_command(screen.screen)
    main.add_command(screening_cli.screening)
    main.add_command(admin.municipality)
    main.add_command(admin.connector)
    main.add_command(admin.items)
    main.add_command(admin.secrets)
    main.add_command(checklist.checklist)
    main.add_command(run.serve)
    main.add_command(run.worker)
    main.add_command(run.beat)
    main.add_command(demo.demo)
    coordinator_cli.register(main)
    auth_cli.register(main)
    main.add_command(badges)
    main.add_command(meeting)


_register()
