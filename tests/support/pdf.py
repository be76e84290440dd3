"""Test PDFs: encrypted ones (plain ones come from the fake hosts' ``make_pdf``)."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter

from climate_plugin.connectors.common.pdf import make_pdf as make_pdf


def encrypt(pdf: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner-pw")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
