"""French and German: the catalogues are complete and compiled, the switcher remembers
the choice (cookie, and the signed-in user's preference), pages render in it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

LOCALE = Path(settings.BASE_DIR) / "locale"
SHIPPED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def entries(po: Path):
    """(msgid, msgstr, fuzzy) for each entry of a .po file but the header."""
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        ids, strs, mode = [], [], None
        for line in lines:
            if line.startswith("msgid "):
                mode, line = ids, line[6:]
            elif line.startswith("msgstr"):
                mode, line = strs, line.split(" ", 1)[1]
            elif not line.startswith('"'):
                continue
            mode.append(line.strip('"'))
        if ids and "".join(ids):
            yield (
                "".join(ids),
                "".join(strs),
                any(line.startswith("#,") and "fuzzy" in line for line in lines),
            )


@pytest.mark.parametrize("code", SHIPPED)
def test_shipped_catalogue_is_complete_and_compiled(code):
    po = LOCALE / code / "LC_MESSAGES" / "django.po"
    missing = [msgid for msgid, msgstr, fuzzy in entries(po) if not msgstr or fuzzy]
    assert not missing, f"{code}: untranslated or fuzzy: {missing}"
    compiled = subprocess.run(
        ["msgfmt", "--check-format", "-o", "-", str(po)], capture_output=True, check=True
    ).stdout
    assert compiled == (po.with_suffix(".mo")).read_bytes(), (
        "run `make messages` and commit the .mo"
    )


@pytest.mark.django_db
def test_switcher_sets_the_language_for_visitors_and_signed_in_users(client):
    response = client.post("/language/", {"language": "fr", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    page = client.get("/login/").content.decode()
    assert 'lang="fr"' in page and "Se connecter" in page

    user = get_user_model().objects.create_user("hans", password="x" * 20)
    client.force_login(user)
    client.post("/language/", {"language": "de", "next": "https://evil.example/"})
    user.refresh_from_db()
    assert user.language == "de"
    client.cookies.clear()
    client.force_login(user)  # a new browser: the preference follows the user
    page = client.get("/").content.decode()
    assert 'lang="de"' in page and "Abmelden" in page


@pytest.mark.django_db
def test_unknown_language_is_ignored(client):
    response = client.post("/language/", {"language": "xx", "next": "/login/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
