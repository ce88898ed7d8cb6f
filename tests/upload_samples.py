"""Files for upload tests, made here byte by byte: good ones and each kind the checks refuse."""

import io
import struct
import zipfile
import zlib


def png(width: int = 4, height: int = 3, declared: tuple[int, int] | None = None) -> bytes:
    """A real, viewable PNG (grey pixels); `declared` writes other dimensions into its header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    w, h = declared or (width, height)
    header = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(b"\x00" + bytes([128] * width) for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PLAIN_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# An executable (a Windows program starts with "MZ") given a document's name.
RENAMED_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200

PDF_WITH_JAVASCRIPT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction 2 0 R>>endobj\n"
    b"2 0 obj<</S/JavaScript/JS(app.alert('hi'))>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# The same, with the names written in #xx escapes, as evasive files do.
PDF_WITH_ESCAPED_JAVASCRIPT = PDF_WITH_JAVASCRIPT.replace(b"/JavaScript", b"/J#61vaScript").replace(
    b"/JS(", b"/#4AS("
)


def pdf_with_javascript_in_object_stream() -> bytes:
    """JavaScript hidden in a compressed object stream, where a plain byte search misses it."""
    packed = zlib.compress(b"<</S/JavaScript/JS(app.alert(1))>>")
    return (
        b"%PDF-1.5\n1 0 obj<</Type/Catalog>>endobj\n"
        b"3 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length "
        + str(len(packed)).encode()
        + b">>stream\n"
        + packed
        + b"\nendstream\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def pdf_bomb(expanded_bytes: int = 300 * 1024 * 1024) -> bytes:
    """A small PDF with one deflated stream that expands to `expanded_bytes` of zeros."""
    compressor = zlib.compressobj(9)
    block = b"\x00" * (1024 * 1024)
    packed = b"".join(compressor.compress(block) for _ in range(expanded_bytes // len(block)))
    packed += compressor.flush()
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n"
        b"2 0 obj<</Filter/FlateDecode/Length "
        + str(len(packed)).encode()
        + b">>stream\n"
        + packed
        + b"\nendstream\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def zip_bomb(expanded_bytes: int = 200 * 1024 * 1024) -> bytes:
    """A zip archive of one file of zeros: a few hundred kilobytes, `expanded_bytes` unpacked."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("data.bin", "w", force_zip64=True) as member,
    ):
        block = b"\x00" * (1024 * 1024)
        for _ in range(expanded_bytes // len(block)):
            member.write(block)
    return buffer.getvalue()


def upload(content: bytes, name: str):
    """A file as a test client posts it."""
    handle = io.BytesIO(content)
    handle.name = name
    return handle
