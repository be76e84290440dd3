"""Running `climate-plugin …` in the test process (Click's runner) and checking a clean refusal."""

from __future__ import annotations

from climate_plugin.cli import main


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
