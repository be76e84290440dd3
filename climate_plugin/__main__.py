"""`python -m climate_plugin` is the `climate-plugin` command."""

from climate_plugin.cli import main

main()
