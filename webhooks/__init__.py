"""Inbound webhook helpers shared by connectors (signature schemes)."""
