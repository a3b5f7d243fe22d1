"""The converted pages render in French and German: every parameterless page of the
walked URLconf answers without a template error for a security manager who chose the
language, the risk and governance pages show their translated headings, and the SoA
PDF is rendered in the active language."""

from __future__ import annotations

import io
import re

import pdfplumber
import pytest
from django.utils import translation

from isms.frameworks import downloads, services
from tests.factories import soa_decide_all
from tests.isms.frameworks.conftest import load
from tests.urlwalk import all_routes

SKIPPED_PREFIXES = ("/api/", "/admin/", "/static/", "/media/", "/logout/", "/language/")
PAGES = sorted(
    {
        route.path
        for route in all_routes()
        if not route.path.startswith(SKIPPED_PREFIXES)
        and not re.search(r"/(1|sample)(/|$)", route.path)
    }
)
HEADINGS = {
    "fr": {
        "/risks/": "Registre des risques",
        "/risks/heatmap/": "Carte de chaleur des risques",
        "/risks/methodology/": "Méthode d'analyse des risques",
        "/risks/treatment/": "Traitement des risques",
        "/audit/": "Journal d'audit",
        "/account/two-factor/": "Authentification à deux facteurs",
    },
    "de": {
        "/risks/": "Risikoregister",
        "/risks/heatmap/": "Risiko-Heatmap",
        "/risks/treatment/": "Risikobehandlung",
        "/audit/": "Audit-Protokoll",
        "/account/two-factor/": "Zwei-Faktor-Authentifizierung",
    },
}


@pytest.fixture
def signed_in(client, security_manager):
    def sign_in(code):
        security_manager.language = code
        security_manager.save(update_fields=["language"])
        client.force_login(security_manager)
        return client

    return sign_in


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["fr", "de"])
def test_every_page_renders_in_the_language(signed_in, code):
    client = signed_in(code)
    broken = {}
    for path in PAGES:
        response = client.get(path)
        if response.status_code >= 500:
            broken[path] = response.status_code
    assert not broken, broken


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["fr", "de"])
def test_converted_pages_show_translated_headings(signed_in, code):
    client = signed_in(code)
    for path, heading in HEADINGS[code].items():
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert f'lang="{code}"' in page and heading in page, (path, heading)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "title"),
    [("fr", "Déclaration d'applicabilité"), ("de", "Erklärung zur Anwendbarkeit")],
)
def test_the_soa_pdf_is_rendered_in_the_chosen_language(security_manager, code, title):
    framework = load("iso27001-2022.json")
    services.framework_select(selected=[framework], soa_basis=framework)
    soa_decide_all(framework)
    soa = services.soa_freeze(user=security_manager)
    with translation.override(code):
        pdf = downloads.to_pdf(soa)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        first_page = document.pages[0].extract_text()
    assert title in first_page.replace("’", "'")
    assert "Statement of Applicability" not in first_page
