"""The asset, AWS and findings pages render in French and German (issue 21): a security
manager who chose the language sees the pages' own text, the choice labels and the
badges translated, with the records' data unchanged."""

import pytest
from django.urls import reverse

from assets.findings import services
from assets.models import AwsResource, Finding
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import sample_estate
from tests.assets.factories import AssetFactory

pytestmark = pytest.mark.django_db

# (page, its text in French, in German) for each page below.
EXPECTED = {
    "asset_list": (["Nouvel actif", "Filtrer les actifs", "Essentiel"], ["Neuer Wert", "Primär"]),
    "asset_detail": (
        ["Graphe des dépendances", "Ressources AWS actives", "Ce que vous devez sécuriser"],
        ["Abhängigkeitsgraph", "Aktive AWS-Ressourcen", "Was Sie absichern müssen"],
    ),
    "asset_delete": (["Cet actif est utilisé"], ["Dieser Wert wird verwendet"]),
    "account_detail": (
        ["Ressources actives par service", "Tester la connexion", "Toutes les 60 minutes"],
        ["Aktive Ressourcen nach Dienst", "Verbindung testen", "Alle 60 Minuten"],
    ),
    "account_list": (["Comptes AWS", "Parc AWS"], ["AWS-Konten", "AWS-Umgebung"]),
    "posture": (
        ["Posture de sécurité de Production", "Constats ouverts par gravité", "Élevé"],
        ["Sicherheitslage von Production", "Offene Feststellungen nach Schweregrad", "Hoch"],
    ),
    "finding_list": (["Filtrer les constats", "Ouvert"], ["Feststellungen filtern", "Offen"]),
    "finding_detail": (
        ["Comment le corriger", "Mettre en sourdine", "Menace :"],
        ["So beheben Sie es", "Stummschalten", "Bedrohung:"],
    ),
    "resource_detail": (
        ["Actifs liés", "Responsabilité partagée"],
        ["Verknüpfte Werte", "Geteilte Verantwortung"],
    ),
    "checks": (["Contrôles de sécurité"], ["Sicherheitsprüfungen"]),
    "shared_responsibility": (
        ["Responsabilité partagée sur AWS"],
        ["Geteilte Verantwortung bei AWS"],
    ),
}


@pytest.fixture
def pages(db):
    account = AwsAccountFactory(name="Production", sync_interval_minutes=60)
    asset = AssetFactory(name="Customer database", value_usd=750_000)
    sample_estate(account, asset)
    services.findings_evaluate(account=account)
    finding = Finding.objects.filter(status="open").first()
    resource = AwsResource.objects.get(name="web")
    AssetFactory(name="Checkout", depends_on=[asset])  # the asset is in use
    return {
        "asset_list": reverse("assets:asset_list"),
        "asset_detail": reverse("assets:asset_detail", args=[asset.pk]),
        "asset_delete": reverse("assets:asset_delete", args=[asset.pk]),
        "account_detail": reverse("assets:aws_account_detail", args=[account.pk]),
        "account_list": reverse("assets:aws_account_list"),
        "posture": reverse("assets:account_posture", args=[account.pk]),
        "finding_list": reverse("assets:finding_list"),
        "finding_detail": reverse("assets:finding_detail", args=[finding.pk]),
        "resource_detail": reverse("assets:aws_resource_detail", args=[resource.pk]),
        "checks": reverse("assets:check_list"),
        "shared_responsibility": reverse("assets:shared_responsibility"),
    }


@pytest.mark.parametrize("code", ["fr", "de"])
def test_asset_pages_render_in_the_chosen_language(pages, client, security_manager, code):
    security_manager.language = code
    security_manager.save(update_fields=["language"])
    client.force_login(security_manager)
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, name
        text = response.content.decode()
        assert f'lang="{code}"' in text, name
        expected = EXPECTED[name][0 if code == "fr" else 1]
        missing = [phrase for phrase in expected if phrase not in text]
        assert not missing, (name, missing)
        assert "Customer database" in text or name not in {"asset_detail", "asset_list"}


def test_the_same_pages_stay_in_english_by_default(pages, client, security_manager):
    client.force_login(security_manager)
    text = client.get(pages["asset_detail"]).content.decode()
    assert "Dependency graph" in text and "What you must secure" in text
    text = client.get(pages["posture"]).content.decode()
    assert "Security posture of Production" in text and "Open findings by severity" in text
