"""climate-plugin: climate screening and checklists inside municipal agenda systems."""

__version__ = "0.1.0"
