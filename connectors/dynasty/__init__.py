"""Innofactor Dynasty 10's public meeting publication: RSS of meeting items, and the items' pages."""

from climate_plugin.connectors.dynasty.connector import DynastyConnector

__all__ = ["DynastyConnector"]
