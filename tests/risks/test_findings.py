"""Risks and security-check findings: "Create risk from findings" (service, pages, API),
linking and unlinking findings on a risk, the review flag raised when all of a risk's
findings are resolved (through the real findings lifecycle), permissions per role."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assets.findings import services as findings_services
from assets.models import AwsResource, Finding
from isms.models import AuditEvent
from risks import services
from risks.models import Risk
from risks.selectors import register_queryset
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import sample_estate, stored_resource
from tests.assets.factories import AssetFactory
from tests.risks.factories import make_risk

pytestmark = pytest.mark.django_db

SAFE_RDS = {
    "StorageEncrypted": True,
    "MultiAZ": True,
    "BackupRetentionPeriod": 7,
    "PubliclyAccessible": False,
}


@pytest.fixture
def estate(db):
    """An evaluated estate: an SSH-open security group, a public unencrypted RDS
    instance without backups in one zone, an unencrypted volume, all on one asset."""
    account = AwsAccountFactory(name="Production")
    asset = AssetFactory(name="Customer database", value_usd=750_000)
    sample_estate(account, asset)
    findings_services.findings_evaluate(account=account)
    return account, asset


def _findings(account, service=None):
    queryset = Finding.objects.filter(account=account, status="open")
    if service:
        queryset = queryset.filter(service=service)
    return list(queryset.order_by("pk"))


def _ids(findings):
    return [f.pk for f in findings]


def _fix_rds(account):
    """The RDS instance is fixed in AWS; the next evaluation resolves its findings."""
    AwsResource.objects.filter(account=account, name="customers").update(configuration=SAFE_RDS)
    findings_services.findings_evaluate(account=account)


# --- Service ---------------------------------------------------------------------------


def test_create_from_findings_prefills_and_links(estate, methodology, security_manager):
    account, asset = estate
    rds = _findings(account, "rds")
    assert len(rds) == 4

    risk = services.risk_create_from_findings(user=security_manager, finding_ids=_ids(rds))

    assert list(risk.assets.all()) == [asset]
    assert set(risk.findings.values_list("pk", flat=True)) == set(_ids(rds))
    # The worst finding (high; first of the ties) drives the threat and vulnerability.
    assert risk.threat.name == "Accidental information disclosure"
    assert risk.vulnerability.name == "Data at rest not encrypted"
    assert risk.title == "RDS storage not encrypted: customers and 3 more"
    assert "RDS instance publicly accessible" in risk.description
    assert risk.inherent_likelihood == 4  # high on a 5-level scale
    created = AuditEvent.objects.get(
        content_type__model="risk", object_id=str(risk.pk), action="create"
    )
    assert sorted(created.changes["findings"]) == sorted(_ids(rds))


def test_user_values_win_over_the_suggestion(estate, methodology, security_manager, owner):
    account, _ = estate
    other = AssetFactory(value_usd=10)
    risk = services.risk_create_from_findings(
        user=security_manager,
        finding_ids=_ids(_findings(account, "ec2")),
        data={"title": "Bastion open to the world", "assets": [other], "owner": owner},
    )
    assert (risk.title, list(risk.assets.all()), risk.owner) == (
        "Bastion open to the world",
        [other],
        owner,
    )
    assert risk.findings.count() == 1


def test_create_from_findings_is_one_transaction(estate, methodology, security_manager):
    account, _ = estate
    with pytest.raises(ValidationError) as exc:
        services.risk_create_from_findings(
            user=security_manager,
            finding_ids=_ids(_findings(account)),
            data={"inherent_likelihood": 9},
        )
    assert "inherent_likelihood" in exc.value.message_dict
    assert not Risk.objects.exists()
    assert not Risk.findings.through.objects.exists()


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ([], "Choose at least one finding."),
        ([999_999], "Unknown finding(s): 999999."),
        (["x"], "Finding ids are numbers."),
    ],
)
def test_bad_finding_choices_are_refused(estate, security_manager, ids, message):
    with pytest.raises(ValidationError) as exc:
        services.risk_create_from_findings(user=security_manager, finding_ids=ids)
    assert exc.value.message_dict["findings"] == [message]
    assert not Risk.objects.exists()


def test_findings_of_nothing_need_assets(estate, security_manager):
    account, _ = estate
    stored_resource(account, "ebs", "volume", "orphan", {"Encrypted": False, "Size": 8})
    findings_services.findings_evaluate(account=account)
    orphan = Finding.objects.filter(resource__name="orphan", status="open")
    with pytest.raises(ValidationError) as exc:
        services.risk_create_from_findings(user=security_manager, finding_ids=_ids(orphan))
    assert "linked to no asset" in exc.value.messages[0]
    # Choosing the assets oneself is fine.
    risk = services.risk_create_from_findings(
        user=security_manager, finding_ids=_ids(orphan), data={"assets": [AssetFactory()]}
    )
    assert risk.findings.count() == orphan.count()


def test_only_those_who_create_risks_build_them_from_findings(
    estate, manager, auditor, owner, outsider
):
    account, _ = estate
    for user in (manager, auditor, owner, outsider):
        with pytest.raises(PermissionDenied):
            services.risk_create_from_findings(user=user, finding_ids=_ids(_findings(account)))
    assert not Risk.objects.exists()


def test_link_and_unlink_are_audited_and_versioned(estate, security_manager):
    account, asset = estate
    risk = make_risk(security_manager, assets=[asset])
    ec2, rds = _findings(account, "ec2"), _findings(account, "rds")

    risk = services.risk_findings_update(
        risk=risk, user=security_manager, expected_version=1, link=_ids(ec2 + rds)
    )
    risk = services.risk_findings_update(
        risk=risk, user=security_manager, expected_version=2, unlink=_ids(ec2)
    )

    assert sorted(risk.findings.values_list("pk", flat=True)) == _ids(rds)
    assert risk.version == 3
    events = AuditEvent.objects.filter(
        content_type__model="risk", object_id=str(risk.pk), action="update"
    ).order_by("id")
    assert [e.changes["findings"] for e in events] == [
        [[], sorted(_ids(ec2 + rds))],
        [sorted(_ids(ec2 + rds)), _ids(rds)],
    ]
    with pytest.raises(services.RiskConflict):
        services.risk_findings_update(
            risk=risk, user=security_manager, expected_version=2, link=_ids(ec2)
        )
    with pytest.raises(ValidationError, match="Not linked"):
        services.risk_findings_update(
            risk=risk, user=security_manager, expected_version=3, unlink=_ids(ec2)
        )
    with pytest.raises(ValidationError, match="Unknown finding"):
        services.risk_findings_update(
            risk=risk, user=security_manager, expected_version=3, link=[999_999]
        )


def test_a_risk_owner_may_not_link_findings(estate, security_manager, owner):
    account, asset = estate
    risk = make_risk(security_manager, assets=[asset], owner=owner)
    with pytest.raises(PermissionDenied):
        services.risk_findings_update(
            risk=risk, user=owner, expected_version=1, link=_ids(_findings(account))
        )
    assert risk.findings.count() == 0


# --- The review flag ---------------------------------------------------------------------


def _flag(risk, user):
    return register_queryset(user).get(pk=risk.pk).needs_review_from_findings


def test_flag_raised_when_all_linked_findings_are_resolved(estate, methodology, security_manager):
    account, _ = estate
    risk = services.risk_create_from_findings(
        user=security_manager, finding_ids=_ids(_findings(account, "rds"))
    )
    assert not _flag(risk, security_manager)
    assert register_queryset(security_manager).get(pk=risk.pk).open_findings_count == 4

    _fix_rds(account)

    assert set(risk.findings.values_list("status", flat=True)) == {"resolved"}
    assert _flag(risk, security_manager)
    assert register_queryset(security_manager).get(pk=risk.pk).open_findings_count == 0
    # Reviewing the risk (any change) clears the flag.
    risk.refresh_from_db()
    services.risk_update(
        risk=risk,
        user=security_manager,
        data={"inherent_likelihood": 1},
        expected_version=risk.version,
    )
    assert not _flag(risk, security_manager)


def test_flag_waits_for_every_linked_finding(estate, methodology, security_manager):
    account, _ = estate
    risk = services.risk_create_from_findings(
        user=security_manager,
        finding_ids=_ids(_findings(account, "rds") + _findings(account, "ec2")),
    )
    _fix_rds(account)
    assert not _flag(risk, security_manager)  # the SSH group is still open
    AwsResource.objects.filter(account=account, name="web").update(
        configuration={"GroupId": "sg-1", "GroupName": "web", "IpPermissions": []}
    )
    findings_services.findings_evaluate(account=account)
    assert _flag(risk, security_manager)


def test_no_flag_without_findings_or_once_closed(estate, methodology, security_manager):
    account, asset = estate
    plain = make_risk(security_manager, assets=[asset])
    closed = services.risk_create_from_findings(
        user=security_manager,
        finding_ids=_ids(_findings(account, "rds")),
        data={"status": "closed"},
    )
    _fix_rds(account)
    assert not _flag(plain, security_manager)
    assert not _flag(closed, security_manager)


# --- Pages -------------------------------------------------------------------------------


def test_create_from_the_findings_list(estate, methodology, security_manager, client_as):
    account, asset = estate
    client = client_as(security_manager)
    listing = client.get(reverse("assets:finding_list"))
    assert b'form="risk-from-findings"' in listing.content
    chosen = _ids(_findings(account, "rds"))
    url = reverse("risks:risk_from_findings")

    response = client.get(url, {"findings": chosen})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["assets"] == [asset] and form.initial["inherent_likelihood"] == 4
    assert asset.ref in response.content.decode()
    # Owned and scored when saved (issue 20.8): without them the form refuses.
    refused = client.post(url, {"findings": chosen, "title": "T", "assets": asset.ref})
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) >= {"owner", "inherent_impact"}
    response = client.post(
        url,
        {
            "findings": chosen,
            "title": "Customer database open to the internet",
            "assets": asset.ref,
            "status": "identified",
            "inherent_likelihood": 4,
            "inherent_impact": 5,
            "owner": security_manager.pk,
        },
    )
    risk = Risk.objects.get()
    assert response.status_code == 302 and response.url == risk.get_absolute_url()
    assert sorted(risk.findings.values_list("pk", flat=True)) == chosen
    detail = client.get(risk.get_absolute_url())
    assert sorted(f.pk for f in detail.context["findings"]) == chosen
    assert "RDS instance publicly accessible" in detail.content.decode()


def test_risk_page_lists_open_findings_first_and_links_more(
    estate, methodology, security_manager, client_as
):
    account, asset = estate
    risk = services.risk_create_from_findings(
        user=security_manager, finding_ids=_ids(_findings(account, "rds"))
    )
    ssh = _findings(account, "ec2")[0]
    AwsResource.objects.filter(account=account, name="customers").update(
        configuration={**SAFE_RDS, "PubliclyAccessible": True}
    )
    findings_services.findings_evaluate(account=account)  # three of four resolve
    client = client_as(security_manager)

    page = client.get(risk.get_absolute_url())

    statuses = [f.status for f in page.context["findings"]]
    assert statuses == ["open", "resolved", "resolved", "resolved"]
    assert ssh in page.context["candidate_findings"]
    risk.refresh_from_db()
    response = client.post(
        reverse("risks:risk_findings", args=[risk.pk]),
        {"version": risk.version, "link": [ssh.pk]},
    )
    assert response.status_code == 302
    assert risk.findings.filter(pk=ssh.pk).exists()
    # A stale page changes nothing.
    response = client.post(
        reverse("risks:risk_findings", args=[risk.pk]),
        {"version": risk.version, "unlink": [ssh.pk]},
        follow=True,
    )
    assert b"Findings not changed" in response.content
    assert risk.findings.filter(pk=ssh.pk).exists()


def test_bad_choices_on_the_page_get_a_clear_error(estate, security_manager, client_as):
    client = client_as(security_manager)
    url = reverse("risks:risk_from_findings")
    response = client.get(url, {"findings": [999_999]})
    assert response.status_code == 400
    assert b"Unknown finding(s): 999999." in response.content
    # Nothing ticked (issue 20.8): back to the list with what to do, not a 400 page.
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("assets:finding_list")
    assert b"Tick the findings the risk is about" in response.content


def test_roles_on_the_findings_pages(estate, client_as, security_manager, manager, auditor, owner):
    account, asset = estate
    finding = _findings(account, "rds")[0]
    risk = make_risk(security_manager, assets=[asset], owner=owner)
    url = reverse("risks:risk_from_findings")
    for user, expected in ((manager, 403), (auditor, 403), (owner, 403)):
        assert client_as(user).get(url, {"findings": [finding.pk]}).status_code == expected
    response = client_as(auditor).get(reverse("assets:finding_detail", args=[finding.pk]))
    assert b"Create risk from this finding" not in response.content
    response = client_as(security_manager).get(reverse("assets:finding_detail", args=[finding.pk]))
    assert b"Create risk from this finding" in response.content
    # The risk owner sees the count of findings, not the findings themselves, and may not
    # link any.
    response = client_as(owner).post(
        reverse("risks:risk_findings", args=[risk.pk]), {"version": 1, "link": [finding.pk]}
    )
    assert response.status_code == 403
    page = client_as(owner).get(risk.get_absolute_url())
    assert page.context["findings"] is None and not page.context["may_link_findings"]


def test_register_flags_and_filters_risks_to_review(
    estate, methodology, security_manager, client_as, django_assert_max_num_queries
):
    account, asset = estate
    flagged = services.risk_create_from_findings(
        user=security_manager, finding_ids=_ids(_findings(account, "rds"))
    )
    services.risk_create_from_findings(
        user=security_manager, finding_ids=_ids(_findings(account, "ec2"))
    )
    for _ in range(20):
        make_risk(security_manager, assets=[asset, AssetFactory()])
    _fix_rds(account)
    client = client_as(security_manager)
    client.get(reverse("risks:risk_list"))

    with django_assert_max_num_queries(12):
        response = client.get(reverse("risks:risk_list"), {"per_page": 100, "cols": "findings"})

    rows = {row["risk"].ref: row["risk"] for row in response.context["rows"]}
    assert len(rows) == 22
    assert [ref for ref, r in rows.items() if r.needs_review_from_findings] == [flagged.ref]
    assert "review this risk" in response.content.decode()
    response = client.get(reverse("risks:risk_list"), {"needs_review_from_findings": "true"})
    assert [row["risk"].ref for row in response.context["rows"]] == [flagged.ref]
    page = client.get(flagged.get_absolute_url())
    assert "All linked findings resolved — review this risk" in page.content.decode()


# --- API ---------------------------------------------------------------------------------


def test_api_creates_a_risk_from_findings(estate, methodology, security_manager, client_as):
    account, asset = estate
    chosen = _ids(_findings(account, "rds"))
    client = client_as(security_manager)

    response = client.post("/api/risks/", {"findings": chosen}, content_type="application/json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert sorted(body["findings"]) == chosen and body["assets"] == [asset.pk]
    assert body["open_findings_count"] == 4 and body["needs_review_from_findings"] is False
    assert body["inherent_likelihood"] == 4 and body["title"]
    response = client.post("/api/risks/", {"findings": [999_999]}, content_type="application/json")
    assert response.status_code == 400 and "findings" in response.json()["errors"]
    response = client.post("/api/risks/", {}, content_type="application/json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"title", "assets"}


def test_api_findings_are_writable_by_those_who_edit_the_risk(
    estate, methodology, security_manager, owner, auditor, manager, client_as
):
    account, asset = estate
    risk = make_risk(security_manager, assets=[asset], owner=owner)
    url = f"/api/risks/{risk.pk}/"
    ssh = _ids(_findings(account, "ec2"))

    response = client_as(security_manager).patch(
        url, {"findings": ssh, "version": 1}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["findings"] == ssh and response.json()["version"] == 2
    for user in (owner, auditor, manager):
        response = client_as(user).patch(
            url, {"findings": [], "version": 2}, content_type="application/json"
        )
        assert response.status_code in (403, 404)
    assert (
        client_as(auditor)
        .post("/api/risks/", {"findings": ssh}, content_type="application/json")
        .status_code
        == 403
    )
    assert list(risk.findings.values_list("pk", flat=True)) == ssh
    listing = client_as(auditor).get("/api/risks/", {"finding": ssh[0]}).json()
    assert [r["id"] for r in listing["results"]] == [risk.pk]


def test_api_review_flag_and_filter(estate, methodology, security_manager, auditor, client_as):
    account, _ = estate
    risk = services.risk_create_from_findings(
        user=security_manager, finding_ids=_ids(_findings(account, "rds"))
    )
    _fix_rds(account)
    results = client_as(auditor).get("/api/risks/", {"needs_review_from_findings": "true"}).json()
    assert [(r["id"], r["needs_review_from_findings"]) for r in results["results"]] == [
        (risk.pk, True)
    ]
