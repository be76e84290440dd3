"""The contract suite (climate_plugin.connectors.contract.suite, installed with the package) for every
connector kind installed here."""

from climate_plugin.connectors.contract.suite import *  # noqa: F401,F403 - the suite's fixtures and tests
