"""Small media helpers for the tests: real images made in memory, and their sizes read back."""
import struct
import zlib


def png(width, height, rgb=(200, 30, 90), text=b""):
    """A real PNG of width x height pixels of one colour (text: a tEXt chunk, metadata the server may strip)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    if text:
        body += chunk(b"tEXt", b"Comment\x00" + text)
    body += chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"not a PNG: {data[:16]!r}"
    return struct.unpack(">II", data[16:24])
