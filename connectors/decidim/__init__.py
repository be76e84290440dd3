"""Decidim: meetings and proposals of participatory processes through the GraphQL API; comments back."""

from climate_plugin.connectors.decidim.connector import DecidimConnector

__all__ = ["DecidimConnector"]
