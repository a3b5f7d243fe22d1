"""Who reaches which page of the risks app (the URL walk covers anonymous visitors)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

READ = ["risks:risk_list", "risks:heatmap", "risks:treatment_list"]
METHODOLOGY = ["risks:methodology"]
WRITE = ["risks:risk_create", "risks:risk_import"]

EXPECTED = {
    # persona: (read pages, methodology, write pages)
    "security_manager": (200, 200, 200),
    "manager": (200, 200, 403),
    "auditor": (200, 200, 403),
    "owner": (200, 403, 403),
    "outsider": (200, 403, 403),
    "admin": (200, 200, 200),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_access_by_role(name, persona, client_as, methodology):
    client = client_as(persona(name))
    read, method, write = EXPECTED[name]
    for url_name in READ:
        assert client.get(reverse(url_name)).status_code == read, url_name
    for url_name in METHODOLOGY:
        assert client.get(reverse(url_name)).status_code == method, url_name
    assert client.get(reverse("risks:catalogue", args=["threats"])).status_code == method
    for url_name in WRITE:
        assert client.get(reverse(url_name)).status_code == write, url_name
    assert client.get(reverse("risks:catalogue_add", args=["threats"])).status_code == write
    edit = reverse("risks:methodology_version_edit", args=[methodology.pk])
    assert client.get(edit).status_code in ((302,) if write == 200 else (403,))
