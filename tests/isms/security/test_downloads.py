"""Every download and export (issue 9, item 8) is an attachment that is never cached or
sniffed, is written to the security log, and is rate-limited per user (429 beyond
DOWNLOAD_RATE_LIMIT). One table lists them all: a new download belongs here."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from isms import services as isms_services
from isms.frameworks import services as framework_services
from isms.models import ControlImplementation
from tests.assets.aws.factories import AwsAccountFactory
from tests.factories import PASSWORD, soa_decide_all
from tests.isms.frameworks.conftest import iso  # noqa: F401 - fixture
from tests.isms.governance.factories import make_policy

LIMIT = 2


@dataclass
class World:
    soa: object
    evidence: object
    policy: object
    account: object
    token: str


@pytest.fixture
def world(iso, security_manager, manager, admin_user, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    implementation = ControlImplementation.objects.get(
        control__framework=iso, control__identifier="5.1"
    )
    evidence = framework_services.evidence_add(
        implementation=implementation,
        user=security_manager,
        title="KMS key policy",
        upload=SimpleUploadedFile("kms.pdf", b"%PDF-1.4 key policy"),
    )
    soa_decide_all(iso)
    soa = framework_services.soa_freeze(user=security_manager)
    framework_services.soa_submit(soa=soa, user=security_manager)
    framework_services.soa_decide(soa=soa, user=manager, approve=True, password=PASSWORD)
    _token, key = isms_services.api_token_create(user=admin_user, name="downloads")
    return World(
        soa=soa,
        evidence=evidence,
        policy=make_policy(security_manager),
        account=AwsAccountFactory(),
        token=key,
    )


# (id, url(world), what the security log names it)
DOWNLOADS = [
    ("soa-page", lambda w: reverse("isms:soa_download", args=[w.soa.number, "xlsx"]), "soa"),
    ("soa-current", lambda w: reverse("isms:soa_current_download", args=["csv"]), "soa"),
    ("soa-api", lambda w: f"/api/soas/{w.soa.pk}/download/?format=csv", "soa"),
    ("audit-pack", lambda w: reverse("isms:audit_pack"), "audit-pack"),
    ("audit-trail", lambda w: "/audit/?export=csv", "audit-trail"),
    (
        "acknowledgements",
        lambda w: reverse("isms:policy_acknowledgements", args=[w.policy.pk]) + "?export=csv",
        "policy-acknowledgements",
    ),
    ("evidence", lambda w: reverse("isms:evidence_file", args=[w.evidence.pk]), "evidence"),
    ("assets-csv", lambda w: reverse("assets:asset_list") + "?export=csv", "assets"),
    ("assets-xlsx", lambda w: reverse("assets:asset_list") + "?export=xlsx", "assets"),
    ("risks-csv", lambda w: reverse("risks:risk_list") + "?export=csv", "risk-register"),
    ("risks-xlsx", lambda w: reverse("risks:risk_list") + "?export=xlsx", "risk-register"),
    (
        "risk-template",
        lambda w: reverse("risks:risk_import_template"),
        "risk-import-template",
    ),
    (
        "findings",
        lambda w: reverse("assets:finding_list") + "?export=csv",
        "findings",
    ),
    (
        "aws-resources",
        lambda w: reverse("assets:aws_resource_list") + "?export=csv",
        "aws-resources",
    ),
    (
        "aws-role-template",
        lambda w: reverse("assets:aws_account_template", args=[w.account.pk]),
        "aws-role-template",
    ),
]


def _get(client, world, name, url):
    if name.endswith("-api"):
        # A token caller: no session, so the middleware's no-store for signed-in users
        # does not apply and the headers must come from the download itself.
        return client.get(url, HTTP_AUTHORIZATION=f"Token {world.token}")
    return client.get(url)


@pytest.fixture
def limited(settings):
    settings.DOWNLOAD_RATE_LIMIT = LIMIT
    settings.DOWNLOAD_RATE_WINDOW = 60
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@pytest.mark.parametrize("name, url, what", DOWNLOADS, ids=[d[0] for d in DOWNLOADS])
def test_every_download_is_a_logged_uncached_rate_limited_attachment(
    world, admin_user, client_as, security_logs, limited, name, url, what
):
    client = client_as(admin_user)
    target = url(world)
    for _ in range(LIMIT):
        response = _get(client, world, name, target)
        assert response.status_code == 200, (name, response.content[:300])
        assert response["Content-Disposition"].startswith("attachment; filename="), name
        assert response["Cache-Control"] == "no-store", name
        assert response["X-Content-Type-Options"] == "nosniff", name
    downloads = [r for r in security_logs.records if getattr(r, "event", "") == "download"]
    assert len(downloads) == LIMIT, name
    line = downloads[0].getMessage()
    assert f"what={what}" in line and "user=admin" in line and "request_id=" in line

    refused = _get(client, world, name, target)
    assert refused.status_code == 429, name
    assert refused["Retry-After"] == "60"
    if target.startswith("/api/"):  # the API's one error shape, whatever ?format= asks
        assert refused.json()["code"] == "throttled", name
    assert "download.throttled" in security_logs.events()
    assert security_logs.events().count("download") == LIMIT  # nothing handed out


@pytest.mark.django_db
def test_the_limit_is_per_user(world, admin_user, security_manager, client_as, limited):
    url = "/audit/?export=csv"  # one limiter for every download; a quick one to build
    admin = client_as(admin_user)
    assert [admin.get(url).status_code for _ in range(LIMIT + 1)] == [200] * LIMIT + [429]
    other = client_as(security_manager)
    assert other.get(url).status_code == 200


@pytest.mark.django_db
def test_exports_are_limited_but_their_list_pages_are_not(world, admin_user, client_as, limited):
    client = client_as(admin_user)
    lists = {
        "/audit/": "/audit/",
        "assets": reverse("assets:asset_list"),
        "risks": reverse("risks:risk_list"),
        "findings": reverse("assets:finding_list"),
        "aws-resources": reverse("assets:aws_resource_list"),
        "acknowledgements": reverse("isms:policy_acknowledgements", args=[world.policy.pk]),
    }
    for page, list_url in lists.items():
        cache.clear()
        for _ in range(LIMIT + 1):
            client.get(f"{list_url}?export=csv")
        assert client.get(f"{list_url}?export=csv").status_code == 429, page
        assert client.get(list_url).status_code == 200, page


@pytest.mark.django_db
def test_no_one_downloads_without_the_permission(world, outsider, client_as, limited):
    client = client_as(outsider)
    for name, url, _what in DOWNLOADS:
        if name.endswith("-api"):
            continue
        cache.clear()  # a refusal, not the limit
        assert client.get(url(world)).status_code in (403, 404), name
