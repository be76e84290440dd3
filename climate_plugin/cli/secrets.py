"""`climate-plugin secrets …`: encryption keys for secrets at rest."""

from __future__ import annotations

import click


# --- secrets --------------------------------------------------------------------------------------
@click.group()
def secrets() -> None:
    """Encryption keys for secrets at rest."""


@secrets.command("new-key")
def secrets_new_key() -> None:
    """Print a new key for CLIMATE_PLUGIN_ENCRYPTION_KEYS (put it first; keep the old ones after it)."""
    from cryptography.fernet import Fernet

    click.echo(Fernet.generate_key().decode())
