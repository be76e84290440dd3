"""Running `climate-plugin …` in the test process (Click's runner) or as a real process, and checking a clean
refusal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from climate_plugin.cli import main
from tests.support.app import TEST_KEY


def invoke(runner, *args: str, input: str | bytes | None = None):
    """``climate-plugin ARGS`` through the app's test CLI runner (``runner`` fixture)."""
    return runner.invoke(main, args=list(args), input=input)


def assert_clean_failure(result, *fragments: str) -> str:
    """Non-zero exit through SystemExit (a ClickException or usage error), a message, no traceback."""
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    message = result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in message, message
    return message


def subprocess_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLIMATE_PLUGIN_")}
    env.update(
        {
            "CLIMATE_PLUGIN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
            "CLIMATE_PLUGIN_ENCRYPTION_KEYS": TEST_KEY,
            "CLIMATE_PLUGIN_SECRET_KEY": "cli-test",
            "CLIMATE_PLUGIN_PUBLIC_URL": "http://plugin.test",
            "CLIMATE_PLUGIN_LOG_LEVEL": "WARNING",
        }
    )
    env.update({f"CLIMATE_PLUGIN_{k}": v for k, v in settings.items()})
    return env


def start_cli(tmp_path: Path, *args: str, **settings: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "climate_plugin", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(tmp_path, **settings),
        cwd=tmp_path,
    )


def run_cli(tmp_path: Path, *args: str, input: bytes | None = None, **settings: str):
    return subprocess.run(
        [sys.executable, "-m", "climate_plugin", *args],
        input=input,
        capture_output=True,
        env=subprocess_env(tmp_path, **settings),
        cwd=tmp_path,
        timeout=120,
    )
