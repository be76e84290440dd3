"""The text of an item's PDF attachments, read within limits, for screening.

Attachments are secondary evidence: the item's own title and body decide whether it can be screened at all.
So nothing here raises for a bad attachment. Every problem (the host refuses, the address is not allowed,
the file is too large, is no PDF, is broken or encrypted, the network fails) is written into
:attr:`AttachmentText.error` in plain words, and the item is screened on what could be read.

Network errors and 5xx answers are noted too, with ``transient=True``, instead of raising
:class:`~climate_plugin.outbound.TransientError`: retrying the whole item for a flaky file server would
hold back the screening of the item's own text, and a host whose file server never recovers would make
the item fail for good once its retries run out. The next update of the item reads the files again.

Limits, because the host (or whoever wrote the item) decides what the URLs point at:

* at most ``max_files`` distinct URLs per item are downloaded;
* a download stops as soon as it passes ``max_bytes`` (checked against Content-Length first, then while
  streaming, after decompression), so no more than ``max_bytes`` (plus one chunk) is ever held in memory;
* a body download is cut off after ``max_seconds`` (plus at most one read timeout): the read timeout alone
  would let a host that trickles one byte just within each timeout hold a worker for hours;
* only files that start with the PDF signature are parsed; at most ``max_pages`` pages and ``max_chars``
  characters are taken from each.

Messages and :attr:`AttachmentText.url` never contain a URL's query string, fragment or user info: signed
download links carry their tokens there, and these values end up in the database and in logs.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from urllib.parse import urlsplit

from urllib3.exceptions import HTTPError as TransportError

from climate_plugin.connectors.base import Attachment
from climate_plugin.outbound import OutboundClient, OutboundError, TransientError

log = logging.getLogger(__name__)

#: default limits for the arguments of :func:`fetch_attachment_texts` that are not settings
MAX_CHARS_PER_ATTACHMENT = 50_000
MAX_PAGES_PER_ATTACHMENT = 50
MAX_SECONDS_PER_ATTACHMENT = 20.0  # 10 MiB at 0.5 MB/s; keeps 5 files well inside a task

PDF_MIME_TYPES = frozenset({"application/pdf", "application/x-pdf"})
#: types that say nothing about the content; hosts often serve PDFs as these, so the bytes decide
_GENERIC_TYPES = frozenset({
    "application/octet-stream", "binary/octet-stream", "application/binary", "application/download",
    "application/x-download", "application/force-download", "application/unknown",
})
#: the PDF specification lets readers accept the "%PDF-" header anywhere in the first 1024 bytes
_SIGNATURE = b"%PDF-"
_SIGNATURE_WINDOW = 1024
_CHUNK = 64 * 1024
_MAX_NAME = 200
# C0/C1 control characters except tab and newline: PostgreSQL refuses NUL in text, and the rest is noise
# from fonts without a proper Unicode map.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_SPACES = re.compile(r"[ \t]{2,}")


@dataclass
class AttachmentText:
    """What could be read from one attachment."""

    #: where the file is, without user info, query string or fragment: safe to store and show
    url: str
    #: the host's name for the file, if it gave one
    name: str | None
    #: the extracted text (cleaned, possibly cut at the limits); "" when nothing could be read
    text: str
    #: why the text is missing or incomplete, in plain words; None when the whole file was read
    error: str | None = None
    #: the error was a network failure, timeout or 5xx/429 answer: reading the file again later may work
    transient: bool = False
    #: the text stops at the page or character limit
    truncated: bool = False


class _Skip(Exception):
    """This attachment yields no text; the message says why, in plain words."""

    def __init__(self, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


def safe_url(url: str) -> str:
    """The URL without user info, query string or fragment, for messages and storage."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(an invalid URL)"
    if ":" in host:
        host = f"[{host}]"
    scheme = f"{parts.scheme}://" if parts.scheme else ""
    return f"{scheme}{host}{port}{parts.path}" if host else (parts.path or "(an invalid URL)")


def fetch_attachment_texts(
    client: OutboundClient,
    attachments: Sequence[Attachment],
    max_bytes: int,
    max_files: int,
    max_chars: int = MAX_CHARS_PER_ATTACHMENT,
    *,
    max_pages: int = MAX_PAGES_PER_ATTACHMENT,
    max_seconds: float = MAX_SECONDS_PER_ATTACHMENT,
) -> list[AttachmentText]:
    """Download the attachments and extract the text of those that are PDFs.

    Returns one entry per distinct URL, in the order given. The first ``max_files`` are downloaded; the
    rest get an entry with an error saying they were not read. ``max_files == 0`` switches reading off and
    returns ``[]``. ``max_chars`` and ``max_pages`` apply to each file. Never raises for a bad attachment.
    """
    if max_files <= 0:
        return []
    results: list[AttachmentText] = []
    seen: set[str] = set()
    for attachment in attachments:
        if attachment.url in seen:  # the same file listed twice is read once
            continue
        seen.add(attachment.url)
        where = safe_url(attachment.url)
        name = attachment.name[:_MAX_NAME] if attachment.name else None
        if len(seen) > max_files:
            error = f"not read: only the first {max_files} attachments of an item are read"
            results.append(AttachmentText(where, name, "", error))
            continue
        try:
            data = _download(client, attachment, max_bytes, max_seconds)
            text, error, truncated = _pdf_text(data, max_pages, max_chars)
        except _Skip as skip:
            results.append(AttachmentText(where, name, "", str(skip), transient=skip.transient))
            log.info("attachment %s not read: %s", where, skip)
            continue
        if error:
            log.info("attachment %s read in part: %s", where, error)
        results.append(AttachmentText(where, name, text, error, truncated=truncated))
    return results


def _is_pdf_type(mime_type: str | None) -> bool:
    return mime_type is not None and mime_type.split(";", 1)[0].strip().lower() in PDF_MIME_TYPES


def _download(
    client: OutboundClient, attachment: Attachment, max_bytes: int, max_seconds: float
) -> io.BytesIO:
    """The file, at most ``max_bytes`` of it; raise _Skip for anything that is not a usable PDF."""
    declared = (attachment.mime_type or "").split(";", 1)[0].strip().lower()
    # A declared type that is not PDF costs no download; an undeclared or generic one is judged by the bytes.
    if declared and declared not in PDF_MIME_TYPES | _GENERIC_TYPES:
        raise _Skip(f"not a PDF file (the host lists it as {declared[:100]}); only PDF files are read")
    try:
        response = client.request("GET", attachment.url, stream=True, headers={"Accept": "application/pdf"})
    except TransientError as e:
        # OutboundClient's messages name host and path only, never the query string
        raise _Skip(f"could not be downloaded: {e}", transient=True) from None
    except OutboundError as e:
        raise _Skip(f"could not be downloaded: {e}") from None
    with closing(response):
        content_type = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise _Skip(f"too large: {_size(int(length))}; files over {_size(max_bytes)} are not read")
        deadline = time.monotonic() + max_seconds
        # Written straight into the buffer pypdf reads from, so the file is held once, not copied.
        data = io.BytesIO()
        size = 0
        head = b""  # the first _SIGNATURE_WINDOW bytes, where the PDF signature must be
        try:
            while True:
                # read1, not iter_content: iter_content fills each chunk before it returns, so a host that
                # trickles bytes could hold it far past the deadline; read1 returns after one socket read.
                # decode_content undoes gzip/deflate (at most _CHUNK at a time), so the limit counts the
                # bytes we hold, not the compressed ones.
                chunk = response.raw.read1(_CHUNK, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise _Skip(f"too large: more than {_size(max_bytes)}, the limit for one file")
                data.write(chunk)
                if len(head) < _SIGNATURE_WINDOW:
                    head += chunk[: _SIGNATURE_WINDOW - len(head)]
                    # Judge the signature as soon as the window is in: an HTML login page or a video is
                    # left unread instead of downloaded to the limit.
                    if len(head) == _SIGNATURE_WINDOW and _SIGNATURE not in head:
                        raise _Skip(_not_pdf(content_type))
                if time.monotonic() > deadline:
                    message = f"the download was cut off after {max_seconds:g} s, the time limit for one file"
                    raise _Skip(message, transient=True)
        except (TransportError, OSError) as e:
            # str(e) could repeat the full URL; the class name says enough
            raise _Skip(f"the download broke off ({type(e).__name__})", transient=True) from None
    if _SIGNATURE not in head:
        raise _Skip("the file is empty" if not size else _not_pdf(content_type))
    data.seek(0)
    return data


def _not_pdf(content_type: str) -> str:
    said = f" (the host sent {content_type[:100]})" if content_type and not _is_pdf_type(content_type) else ""
    return f"not a PDF file{said}; only PDF files are read"


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.0f} KiB"
    return f"{n} bytes"


def _pdf_text(data: io.BytesIO, max_pages: int, max_chars: int) -> tuple[str, str | None, bool]:
    """(text, error, truncated) for a PDF; raise _Skip when it cannot be opened at all."""
    # pypdf raises many exception types for malformed files (its own PdfReadError, but also KeyError,
    # ValueError, TypeError, struct.error, zlib.error, RecursionError …); a hostile or broken file must
    # never fail the item, so every Exception is caught and noted.
    from pypdf import PasswordType, PdfReader  # here: a tenth of a second the app need not pay at start-up

    try:
        reader = PdfReader(data, strict=False)
        # pypdf already tried the empty user password, which opens PDFs that are only copy-protected
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise _Skip("the PDF is protected with a password")
        page_count = len(reader.pages)
    except _Skip:
        raise
    except Exception as e:
        raise _Skip(f"the PDF could not be read; it may be damaged ({type(e).__name__})") from None

    parts: list[str] = []
    length = 0
    failed = 0
    truncated = page_count > max_pages
    for index in range(min(page_count, max_pages)):
        try:
            page_text = _clean(reader.pages[index].extract_text() or "")
        except Exception:  # one damaged page loses that page only
            failed += 1
            continue
        if not page_text:
            continue
        parts.append(page_text)
        length += len(page_text) + 2
        if length >= max_chars:
            truncated = True
            break
    text = "\n\n".join(parts)
    if len(text) > max_chars:
        text = _cut(text, max_chars)
        truncated = True
    error = None
    if failed:
        error = f"{failed} of {min(page_count, max_pages)} pages could not be read"
    elif not text and page_count:
        # scanned documents are images; this service does no OCR
        error = "the PDF has no text layer (a scanned document?)"
    return text, error, truncated


def _clean(text: str) -> str:
    # Lone surrogates (from broken font maps) cannot be stored as UTF-8; drop them.
    text = text.encode("utf-8", "ignore").decode("utf-8")
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def _cut(text: str, max_chars: int) -> str:
    """``text`` shortened to ``max_chars``, at a word boundary when one is near."""
    cut = text[:max_chars]
    space = max(cut.rfind(" ", max(0, max_chars - 200)), cut.rfind("\n", max(0, max_chars - 200)))
    return (cut[:space] if space > 0 else cut).rstrip()
