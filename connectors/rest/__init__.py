"""The rest connector: its adapter, config schema, contract fixture, fake host and sample payloads."""

from climate_plugin.connectors.rest.connector import RestConnector

__all__ = ["RestConnector"]
