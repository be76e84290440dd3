"""CaseM (cloudnc.fi): the OData API ``/api/opennc/v1/`` and the public item pages."""

from climate_plugin.connectors.casem.connector import CaseMConnector

__all__ = ["CaseMConnector"]
