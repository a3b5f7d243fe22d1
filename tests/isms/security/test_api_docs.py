"""The API documentation: Swagger UI and ReDoc served offline, behind login, with no
inline script or style (strict CSP); the OpenAPI schema validates."""

import re
import subprocess
import sys

import pytest
from django.conf import settings


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_docs_need_a_signed_in_user(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert "json" in response["Content-Type"]


def _assert_strict_csp_safe(html: str):
    assert "<style" not in html
    assert "style=" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, tag
    assert not re.search(r"<script[^>]*>\s*[^<\s]", html), "inline script"
    assert "http://" not in html and "https://" not in html  # nothing from a CDN


@pytest.mark.django_db
def test_swagger_ui_is_served_offline_without_inline_code(client_as, auditor):
    client = client_as(auditor)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    _assert_strict_csp_safe(html)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "Content-Security-Policy" in response
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


@pytest.mark.django_db
def test_redoc_is_served_offline_without_inline_code(client_as, auditor):
    response = client_as(auditor).get("/api/redoc/")
    assert response.status_code == 200
    html = response.content.decode()
    _assert_strict_csp_safe(html)
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in html
    assert 'spec-url="/api/schema/"' in html


def test_the_schema_validates_without_warnings(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "schema.yml"),
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Warning" not in output, output
    assert (tmp_path / "schema.yml").exists()


@pytest.mark.django_db
def test_the_schema_is_generated_once_per_process_and_language(client_as, auditor, monkeypatch):
    from drf_spectacular.generators import SchemaGenerator

    from isms.api.docs import OnceGenerator

    monkeypatch.setattr(OnceGenerator, "_documents", {})
    generated = []
    original = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        generated.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    client = client_as(auditor)
    first = client.get("/api/schema/?format=json")
    again = client.get("/api/schema/?format=json")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert len(generated) == 1
    assert client.get("/api/schema/?format=json&lang=fr").status_code == 200
    assert len(generated) == 2  # each language has its own texts
    client.logout()
    assert client.get("/api/schema/?format=json").status_code == 401  # served copy or not
    # A schema filtered by the caller's permissions (SERVE_PUBLIC off) is never shared.
    OnceGenerator().get_schema(request=None, public=False)
    OnceGenerator().get_schema(request=None, public=False)
    assert len(generated) == 4
