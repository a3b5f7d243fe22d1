"""Uploads are checked by extension and by content, bounded in size and renamed safely;
downloads are attachments with nosniff, and rate-limited."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import override_settings
from django.urls import Resolver404, resolve

from isms import uploads


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


@pytest.mark.parametrize(
    "name, content",
    [
        ("report.pdf", b"%PDF-1.7\n..."),
        ("shot.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("notes.md", "# Évidence\n".encode()),
        ("data.json", b'{"a": 1}'),
        ("policy.docx", DOCX),
        ("policy.odt", ODT),
    ],
)
def test_allowed_files_pass(name, content):
    assert uploads.validate_upload(SimpleUploadedFile(name, content)) == uploads.safe_filename(name)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("page.html", b"<html></html>", "File type not allowed"),
        ("image.svg", b"<svg/>", "File type not allowed"),
        ("run.sh.pdf", b"#!/bin/sh\nrm -rf /", "content is not a PDF file"),
        ("fake.png", b"GIF89a", "content is not a PNG file"),
        ("macro.docx", _zip({"x.bin": b"1"}), "content is not a DOCX file"),
        ("binary.txt", b"abc\x00def", "content is not a TXT file"),
        ("broken.json", b"{nope", "content is not a JSON file"),
        ("empty.pdf", b"", "The file is empty."),
        ("noextension", b"%PDF-1.7", "File type not allowed"),
    ],
)
def test_refused_files_say_why_beside_the_field(name, content, message):
    with pytest.raises(ValidationError) as error:
        uploads.validate_upload(SimpleUploadedFile(name, content))
    assert message in error.value.message_dict["file"][0]


@override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
def test_files_over_the_size_limit_are_refused():
    big = SimpleUploadedFile("big.txt", b"a" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="File too large: at most 1 MB"):
        uploads.validate_upload(big)


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        (".htaccess", "file.htaccess"),  # never a hidden file
        ("Relevé d'audit 2026.PDF", "Releve_d_audit_2026.pdf"),
        ("a\r\nb.txt", "a_b.txt"),
        ("<script>.md", "script.md"),
        ("", "file"),
        ("x" * 300 + ".pdf", "x" * 96 + ".pdf"),
    ],
)
def test_filenames_are_sanitised(raw, clean):
    assert uploads.safe_filename(raw) == clean


def test_uploads_are_stored_under_media_root_in_a_random_folder():
    first = uploads.upload_path("evidence/3", "../a b.pdf")
    assert first.startswith("evidence/3/") and first.endswith("/a_b.pdf")
    assert first != uploads.upload_path("evidence/3", "../a b.pdf")
    media = Path(settings.MEDIA_ROOT).resolve()
    for static in [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]:
        assert not media.is_relative_to(static.resolve())
        assert not static.resolve().is_relative_to(media)
    with pytest.raises(Resolver404):
        resolve("/media/evidence/3/x/a_b.pdf")


def test_downloads_are_attachments_with_nosniff():
    response = uploads.attachment_response(io.BytesIO(b"<html>x</html>"), "evil\r\n.html")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "\n" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.django_db
@override_settings(DOWNLOAD_RATE_LIMIT=3, DOWNLOAD_RATE_WINDOW=60)
def test_downloads_are_rate_limited_per_user(rf, auditor, owner):
    cache.clear()

    @uploads.download_rate_limit
    def download(request):
        return HttpResponse("file")

    def call(user):
        request = rf.get("/download/")
        request.user = user
        return download(request)

    assert [call(auditor).status_code for _ in range(3)] == [200, 200, 200]
    refused = call(auditor)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert call(owner).status_code == 200  # counted per user
    cache.clear()
