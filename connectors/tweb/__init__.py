"""Tweb / KTweb public agenda and minutes pages, with the item text read from the item's PDF."""

from climate_plugin.connectors.tweb.connector import TwebConnector

__all__ = ["TwebConnector"]
