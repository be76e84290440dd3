"""The ahjo connector: its adapter, config schema, contract fixture, fake host and sample payloads."""

from climate_plugin.connectors.ahjo.connector import AhjoConnector

__all__ = ["AhjoConnector"]
