"""Reach and outcomes: what the climate work reaches, per body and over time, followed through to the
decision (docs/coordinator.md, "The picture"). ``service`` computes every figure from stored records;
``exports`` writes its tables as CSV and XLSX, ``charts`` draws them as accessible SVG; the faces are the
coordinator's and the region's pages (``web``), the admin page (``admin``) and ``/api/v1/reach`` (``api``).
"""
