"""Connector adapters: one per host agenda-system family, found through entry points.

The core imports only :mod:`climate_plugin.connectors.base` (the interface) and
:mod:`climate_plugin.connectors.registry`
(the entry-point lookup), never a particular connector.
"""
