"""Encryption of secrets at rest (connector credentials, webhook secrets).

Keys come from CLIMATE_PLUGIN_ENCRYPTION_KEYS, newest first; older keys still decrypt, so keys can be
rotated without downtime. Without the setting (the embedded development default) a key is generated
once into the instance folder with owner-only permissions.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

log = logging.getLogger(__name__)


class DecryptionError(Exception):
    """A stored secret cannot be decrypted with any configured key."""


class Encryptor:
    def __init__(self, keys: tuple[str, ...]) -> None:
        self._fernet = MultiFernet([Fernet(k) for k in keys])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise DecryptionError(
                "a stored secret cannot be decrypted: is CLIMATE_PLUGIN_ENCRYPTION_KEYS missing an old key?"
            ) from None

    def rotate(self, token: str) -> str:
        """Re-encrypt ``token`` with the newest key."""
        return self._fernet.rotate(token.encode()).decode()


def development_key(instance_path: str | Path) -> str:
    """The instance folder's own key, created on first use."""
    path = Path(instance_path) / "encryption.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting together must not each write a different key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(Fernet.generate_key().decode())
            log.warning(
                "generated a development encryption key in %s; set CLIMATE_PLUGIN_ENCRYPTION_KEYS "
                "in production",
                path,
            )
    return path.read_text().strip()
