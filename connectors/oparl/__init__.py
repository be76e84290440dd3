"""The oparl connector: its adapter, config schema, contract fixture, fake host and sample payloads."""

from climate_plugin.connectors.oparl.connector import OParlConnector

__all__ = ["OParlConnector"]
