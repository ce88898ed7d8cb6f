"""The checks every uploaded file passes, wherever it comes from (LEGAL.md 2.2): the public form,
the status page, an officer's task.

A file is judged by its content, never by its name or the browser's word: PDF, PNG or JPEG only,
at most UPLOAD_MAX_BYTES, no active content in a PDF (JavaScript, launch actions, embedded files),
nothing that expands to more than UPLOAD_MAX_EXPANDED_BYTES when opened (a decompression bomb)
and no image larger than UPLOAD_MAX_PIXELS. A refused file raises `UploadRefused` with a message
for the person who sent it; nothing of it is stored.
"""

import re
import struct
import zlib

from django.conf import settings
from django.utils.translation import gettext as _

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
_MAGIC = ((b"%PDF", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
_PROGRAMS = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
_ARCHIVES = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"BZh")

# PDF names that run something or carry other files; names may hide letters as #xx escapes
_ACTIVE_PDF_NAME = re.compile(
    rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)(?![A-Za-z0-9])"
)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
_CHUNK = 1024 * 1024


class UploadRefused(ValueError):
    """The file may not be accepted; the message says why, in the visitor's language."""


def max_expanded_bytes() -> int:
    return settings.UPLOAD_MAX_EXPANDED_BYTES


def max_pixels() -> int:
    return settings.UPLOAD_MAX_PIXELS


def check_upload(uploaded) -> str:
    """Check one uploaded file; returns its content type by content, or raises UploadRefused."""
    name = uploaded.name
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        raise UploadRefused(
            _("%(name)s is larger than %(max)s MB.")
            % {"name": name, "max": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    uploaded.seek(0)
    content = uploaded.read()
    uploaded.seek(0)
    content_type = next((t for magic, t in _MAGIC if content.startswith(magic)), None)
    if content_type is None:
        if content.startswith(_PROGRAMS):
            raise UploadRefused(
                _("%(name)s is a program, not a document. Send a PDF, PNG or JPEG file.")
                % {"name": name}
            )
        if content.startswith(_ARCHIVES):
            raise UploadRefused(
                _(
                    "%(name)s is a compressed archive (such as a zip file). Send the documents "
                    "themselves, as PDF, PNG or JPEG files."
                )
                % {"name": name}
            )
        raise UploadRefused(_("%(name)s is not a PDF, PNG or JPEG file.") % {"name": name})
    if content_type == PDF:
        _check_pdf(name, content)
    else:
        _check_image(name, content, content_type)
    return content_type


def _active_content(name: str) -> UploadRefused:
    return UploadRefused(
        _(
            "%(name)s contains active content (JavaScript, actions or embedded files). Save or "
            "print it as a plain PDF and send that."
        )
        % {"name": name}
    )


def _check_pdf(name: str, content: bytes) -> None:
    """Look for active content in the PDF's objects, including those packed into compressed
    object streams, and inflate every deflated stream within the expansion budget."""
    outside, streams = _split_pdf(content)
    if _has_active_content(outside):
        raise _active_content(name)
    if b"/Encrypt" in outside:
        raise UploadRefused(
            _("%(name)s is protected with a password. Send it without the protection.")
            % {"name": name}
        )
    budget = max_expanded_bytes()
    for header, body in streams:
        header = _NAME_ESCAPE.sub(_unescape, header)
        if b"/FlateDecode" not in header and b"/Fl " not in header and b"/Fl/" not in header:
            continue
        packs_objects = b"/ObjStm" in header
        budget -= _inflate(name, body, budget, scan=packs_objects)


def _split_pdf(content: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The PDF's text outside streams, and each stream as (its dictionary, its raw body)."""
    outside, streams, position = [], [], 0
    for match in _STREAM_START.finditer(content):
        if match.start() < position:
            continue
        end = content.find(b"endstream", match.end())
        end = len(content) if end < 0 else end
        outside.append(content[position : match.start()])
        header_start = content.rfind(b"obj", position, match.start())
        streams.append(
            (content[max(header_start, position) : match.start()], content[match.end() : end])
        )
        position = end + len(b"endstream")
    outside.append(content[position:])
    return b"".join(outside), streams


def _has_active_content(data: bytes) -> bool:
    return bool(_ACTIVE_PDF_NAME.search(_NAME_ESCAPE.sub(_unescape, data)))


def _unescape(match) -> bytes:
    return bytes([int(match.group(1), 16)])


def _inflate(name: str, body: bytes, budget: int, *, scan: bool) -> int:
    """Inflate one deflated stream a chunk at a time, never past `budget` bytes (a bomb is
    refused before it fills memory); with `scan`, look for active content in what comes out.
    Returns the inflated size."""
    inflater = zlib.decompressobj()
    produced, tail, pending = 0, b"", body
    while pending:
        try:
            chunk = inflater.decompress(pending, _CHUNK)
        except zlib.error:
            return produced  # damaged: a reader shows nothing of it either
        pending = inflater.unconsumed_tail
        produced += len(chunk)
        if produced > budget:
            raise UploadRefused(
                _(
                    "%(name)s expands to more than %(max)s MB when opened. Send a smaller or "
                    "simpler file."
                )
                % {"name": name, "max": max_expanded_bytes() // (1024 * 1024)}
            )
        if scan and _has_active_content(tail + chunk):
            raise _active_content(name)
        tail = chunk[-64:]
        if inflater.eof or not chunk:
            break
    return produced


def _check_image(name: str, content: bytes, content_type: str) -> None:
    size = _png_size(content) if content_type == PNG else _jpeg_size(content)
    if size is None:
        raise UploadRefused(_("%(name)s is a damaged image.") % {"name": name})
    width, height = size
    if width * height > max_pixels():
        raise UploadRefused(
            _("%(name)s is an image of %(width)s × %(height)s pixels: too large to open safely.")
            % {"name": name, "width": width, "height": height}
        )


def _png_size(content: bytes) -> tuple[int, int] | None:
    if len(content) < 24 or content[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", content[16:24])


_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    """Walk the JPEG markers to the frame header, which holds the image's size."""
    position = 2
    while position + 4 <= len(content):
        if content[position] != 0xFF:
            return None
        marker = content[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        (length,) = struct.unpack(">H", content[position + 2 : position + 4])
        if marker in _SOF_MARKERS:
            if position + 9 > len(content):
                return None
            height, width = struct.unpack(">HH", content[position + 5 : position + 9])
            return width, height
        if marker == 0xDA or length < 2:  # image data before any frame header
            return None
        position += 2 + length
    return None
