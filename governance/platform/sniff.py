"""What a file is, from its first bytes: the client's Content-Type and file name are never
trusted. Covers the types the platform accepts, and recognises markup so that an HTML or SVG
file can never pass as plain text (after the WHATWG MIME Sniffing standard, section 7.1)."""

OCTET_STREAM = "application/octet-stream"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"PK\x05\x06", "application/zip"),  # an empty archive
    (b"\x1f\x8b\x08", "application/gzip"),
)
# Tags that make a browser render a text file as HTML when it sniffs (WHATWG 7.1).
_HTML_TAGS = (b"<!doctype html", b"<html", b"<head", b"<script", b"<iframe", b"<h1", b"<div",
              b"<font", b"<table", b"<a", b"<style", b"<title", b"<b", b"<body", b"<br", b"<p",
              b"<!--")
_TAG_ENDS = (b" ", b">", b"\t", b"\n", b"\r", b"\x0c")
_TEXT_CONTROLS = {9, 10, 12, 13}
_BOM = b"\xef\xbb\xbf"


def sniff_content_type(data: bytes) -> str:
    """The MIME type of `data`, or application/octet-stream when it is none we know."""
    for signature, mime in _SIGNATURES:
        if data.startswith(signature):
            return mime
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return _sniff_text(data)


def _sniff_text(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return OCTET_STREAM
    if any(ord(ch) < 32 and ord(ch) not in _TEXT_CONTROLS for ch in text) or "\x7f" in text:
        return OCTET_STREAM
    head = data.removeprefix(_BOM).lstrip(b" \t\r\n\x0c")[:1024].lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg"):
        return "image/svg+xml" if b"<svg" in head else "application/xml"
    for tag in _HTML_TAGS:
        if head.startswith(tag) and (tag == b"<!--" or head[len(tag):len(tag) + 1] in _TAG_ENDS):
            return "text/html"
    return "text/plain"
