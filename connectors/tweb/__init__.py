"""Tweb / KTweb public agenda and minutes pages, with the item text read from the item's PDF."""

from connectors.tweb.connector import TwebConnector

__all__ = ["TwebConnector"]
