"""Uploads and downloads, the one way every feature takes files in and hands them out.

In: `validate_upload(upload)` checks the size (UPLOAD_MAX_BYTES) and the type twice,
by extension against an allow-list *and* by the bytes the file starts with, so a script
renamed to .pdf is refused; `safe_filename()` reduces any name to plain ASCII letters,
digits, dots, dashes and underscores; `upload_path()` files it under MEDIA_ROOT (outside
the static files, never served by the web server) in a random folder, so names never
collide or reveal each other.

Out: `attachment_response()` serves a stored file only through a view, always as an
attachment, with `X-Content-Type-Options: nosniff`, `Cache-Control: no-store` and a
sandboxing Content-Security-Policy, so a browser never renders or runs it in the
site's origin; `download_headers()` does the same for a response a view builds (an
export, a generated document). `@download_rate_limit` bounds downloads per user
(DOWNLOAD_RATE_LIMIT per DOWNLOAD_RATE_WINDOW seconds) with the rate limiter of
`isms.ratelimit` and answers 429 beyond it; `download_allowed()` is the same count for
API actions.
"""

from __future__ import annotations

import io
import json
import mimetypes
import re
import unicodedata
import uuid
import zipfile
from functools import wraps
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse

from isms import security_log
from isms.ratelimit import RateLimit

_ZIP = b"PK\x03\x04"
_OOXML_PART = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
_ODF_MIME = {
    ".odt": b"application/vnd.oasis.opendocument.text",
    ".ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
TEXT_TYPES = (".txt", ".csv", ".md", ".json")
# The evidence types: documents, spreadsheets, images, text. No HTML, SVG or scripts.
DEFAULT_TYPES = (
    ".pdf", ".png", ".jpg", ".jpeg", ".txt", ".csv", ".json", ".md",
    ".docx", ".xlsx", ".pptx", ".odt", ".ods",
)  # fmt: skip
CONTENT_TYPES = {
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def safe_filename(name: str, *, max_length: int = 100) -> str:
    """A file name safe on every file system and in a Content-Disposition header:
    no folders, no leading dots, ASCII letters, digits, `.`, `-`, `_` only, bounded
    length, the extension kept and lower-cased."""
    base = PurePath(str(name).replace("\\", "/")).name
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = re.sub(r"[^a-z0-9]", "", ext.lower())[:10]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-")
    stem = re.sub(r"_{2,}", "_", stem) or "file"
    stem = stem[: max(1, max_length - len(ext) - 1)]
    return f"{stem}.{ext}" if ext else stem


def upload_path(prefix: str, filename: str) -> str:
    """Where to store an upload: `<prefix>/<random>/<safe name>` under MEDIA_ROOT.
    Use it from a model's `upload_to` callable."""
    return f"{prefix.strip('/')}/{uuid.uuid4().hex}/{safe_filename(filename)}"


def extension(name: str) -> str:
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def _head(upload, size: int = 8192) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _whole(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _zip_names(upload) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(_whole(upload))) as archive:
            return archive.namelist()
    except zipfile.BadZipFile:
        return None


def _content_matches(ext: str, upload) -> bool:
    """Whether the bytes of `upload` are what its extension claims."""
    head = _head(upload)
    if ext == ".pdf":
        return head.startswith(b"%PDF-")
    if ext == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext in _OOXML_PART:
        names = _zip_names(upload) if head.startswith(_ZIP) else None
        return (
            bool(names)
            and "[Content_Types].xml" in names
            and any(n.startswith(_OOXML_PART[ext]) for n in names)
        )
    if ext in _ODF_MIME:
        # An OpenDocument file starts with an uncompressed "mimetype" member.
        return head.startswith(_ZIP) and head[30:38] == b"mimetype" and _ODF_MIME[ext] in head[:200]
    if ext in TEXT_TYPES:
        data = _whole(upload)
        if b"\x00" in data:
            return False
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return False
        if ext == ".json":
            try:
                json.loads(text)
            except ValueError:
                return False
        return True
    return False


def validate_upload(upload, *, allowed: tuple[str, ...] = DEFAULT_TYPES, field: str = "file"):
    """Refuse `upload` unless its extension is in `allowed`, its content matches that
    extension and it is within UPLOAD_MAX_BYTES. Raises ValidationError({field: ...})
    with a message for the user; returns the sanitised file name."""
    name = getattr(upload, "name", "") or ""
    ext = extension(name)
    if ext not in allowed:
        raise ValidationError(
            {field: f"File type not allowed. Allowed: {', '.join(sorted(allowed))}."}
        )
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError({field: f"File too large: at most {limit // (1024 * 1024)} MB."})
    if upload.size == 0:
        raise ValidationError({field: "The file is empty."})
    if not _content_matches(ext, upload):
        raise ValidationError(
            {field: f"The file's content is not a {ext[1:].upper()} file. Check the file."}
        )
    return safe_filename(name)


def attachment_response(file, filename: str) -> FileResponse:
    """Serve an open file (e.g. `field_file.open("rb")`) as a download, never inline."""
    name = safe_filename(filename)
    content_type = CONTENT_TYPES.get(extension(name)) or (
        mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    response = FileResponse(file, as_attachment=True, filename=name, content_type=content_type)
    return download_headers(response)


def download_headers(response: HttpResponse, filename: str | None = None) -> HttpResponse:
    """Mark a response built by a view (an export, a generated document) as a download:
    an attachment named `filename` (sanitised) when given, never cached, never sniffed
    or rendered in the site's origin. `attachment_response()` does this for stored files."""
    if filename is not None:
        response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# Downloads per user (per IP when anonymous) and scope: the one rate limiter's counter.
DOWNLOADS = RateLimit("download", limit="DOWNLOAD_RATE_LIMIT", window="DOWNLOAD_RATE_WINDOW")
TOO_MANY_DOWNLOADS = "Too many downloads in a short time. Wait a minute, then try again."


def _downloader(request, scope: str) -> str:
    user = getattr(request, "user", None)
    who = (
        f"u{user.pk}"
        if user is not None and user.is_authenticated
        else security_log.client_ip(request)
    )
    return f"{scope}:{who}"


def download_allowed(request, *, scope: str = "download") -> bool:
    """Count one download by the request's user in `scope`; False (and logged as
    `download.throttled`) beyond DOWNLOAD_RATE_LIMIT per DOWNLOAD_RATE_WINDOW seconds.
    For views the decorator cannot wrap (API actions); otherwise `@download_rate_limit`."""
    if DOWNLOADS.hit(_downloader(request, scope)):
        return True
    security_log.event("download.throttled", request, scope=scope)
    return False


def too_many_downloads() -> HttpResponse:
    """The 429 answer of a page beyond the download limit, with Retry-After (the API
    raises DRF's Throttled instead, answered in the API's error shape)."""
    response = HttpResponse(
        TOO_MANY_DOWNLOADS, status=429, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = str(DOWNLOADS.seconds)
    return response


def exporting(request) -> bool:
    """Whether a list page is asked for its export (`?export=csv|xlsx`) rather than
    the page: the condition for `@download_rate_limit(when=exporting)`."""
    return "export" in request.GET


def download_rate_limit(view=None, *, scope: str = "download", when=None):
    """Decorator: at most DOWNLOAD_RATE_LIMIT calls per user per DOWNLOAD_RATE_WINDOW
    seconds to the views sharing `scope`; beyond that 429 with Retry-After. With
    `when=predicate(request)`, only the requests it accepts count (e.g. `exporting`, so a
    list page is limited only when it hands out its export)."""

    def decorate(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if (when is None or when(request)) and not download_allowed(request, scope=scope):
                return too_many_downloads()
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
