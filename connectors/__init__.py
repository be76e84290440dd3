"""Connector adapters: one per host agenda-system family, found through entry points.

The core imports only :mod:`connectors.base` (the interface) and :mod:`connectors.registry`
(the entry-point lookup), never a particular connector.
"""
