"""Keeping what the browser showed, for a person to look at."""

from __future__ import annotations

import os


def keep_screenshot(page, name: str) -> None:
    """With CLIMATE_PLUGIN_TEST_SCREENSHOTS=DIR, keep what the browser showed, for a person to look at."""
    folder = os.environ.get("CLIMATE_PLUGIN_TEST_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)
