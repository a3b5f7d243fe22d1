"""The posture, findings and checks pages: role access, filters, mute and unmute from
the browser, the panels on asset and resource pages, query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assets.findings import services
from assets.models import AwsResource, Finding
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import sample_estate
from tests.assets.factories import AssetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(db):
    account = AwsAccountFactory(name="Production")
    asset = AssetFactory(name="Customer database", value_usd=750_000)
    sample_estate(account, asset)
    services.findings_evaluate(account=account)
    return account, asset


def test_posture_page_counts_value_and_worst_first(evaluated, client_as, auditor):
    account, asset = evaluated
    response = client_as(auditor).get(reverse("assets:account_posture", args=[account.pk]))
    posture = response.context["posture"]
    assert posture.open == 6
    assert {v: n for v, _, n in posture.by_severity} == {
        "critical": 0,
        "high": 4,
        "medium": 2,
        "low": 0,
        "info": 0,
    }
    assert posture.value_at_stake_usd == asset.value_at_stake_usd
    assert [f.severity for f in posture.worst][:3] == ["high", "high", "high"]
    assert {row["service"] for row in posture.by_service} == {"ec2", "rds", "ebs"}
    text = response.content.decode()
    assert "$750,000" in text and "Trend across syncs" in text
    assert "<polyline" in text  # one evaluation: the trend has its first point
    assert 'style="' not in text


def test_estate_posture_lists_accounts_worst_first(evaluated, client_as, auditor):
    account, _ = evaluated
    AwsAccountFactory(name="Sandbox")
    response = client_as(auditor).get(reverse("assets:estate_posture"))
    assert [a.name for a in response.context["accounts"]] == ["Production", "Sandbox"]


def test_trend_follows_each_evaluation(evaluated, client_as, auditor):
    account, _ = evaluated
    AwsResource.objects.filter(name="scratch").update(
        configuration={"Encrypted": True, "VolumeId": "vol-1"}
    )
    services.findings_evaluate(account=account, now=timezone.now() + datetime.timedelta(hours=1))
    response = client_as(auditor).get(reverse("assets:account_posture", args=[account.pk]))
    assert [n for _, n in response.context["posture"].trend] == [6, 5]


def test_finding_list_filters_and_defaults_to_open(evaluated, client_as, auditor):
    account, asset = evaluated
    client = client_as(auditor)
    url = reverse("assets:finding_list")
    assert client.get(url).context["page"].paginator.count == 6
    page = client.get(url, {"severity": "medium"}).context["page"]
    assert {f.check_id for f in page} == {"rds-single-az", "ebs-volume-unencrypted"}
    page = client.get(url, {"check": "ec2-sg-open-admin-ports"}).context["page"]
    assert [f.resource.name for f in page] == ["web"]
    assert (
        client.get(url, {"service": "rds", "account": account.pk}).context["page"].paginator.count
        == 4
    )
    assert client.get(url, {"asset": asset.pk}).context["page"].paginator.count == 6
    assert client.get(url, {"region": "us-east-1"}).context["page"].paginator.count == 0


def test_finding_list_query_count_does_not_grow(
    evaluated, client_as, auditor, django_assert_max_num_queries
):
    account, asset = evaluated
    for index in range(20):
        from tests.assets.checks.factories import stored_resource

        # Unencrypted and never snapshotted: two findings each.
        stored_resource(account, "ebs", "volume", f"v{index}", {"Encrypted": False}, asset=asset)
    services.findings_evaluate(account=account)
    client = client_as(auditor)
    # 13: the twelve of every list, and the risks already linked to the page's findings
    # (one prefetch for the page, issue 20).
    with django_assert_max_num_queries(13):
        response = client.get(reverse("assets:finding_list"))
    assert response.context["page"].paginator.count == 46
    with django_assert_max_num_queries(20):
        client.get(reverse("assets:estate_posture"))


def test_export_of_the_filtered_findings(evaluated, client_as, auditor, owner):
    url = reverse("assets:finding_list") + "?severity=high&export=csv"
    response = client_as(auditor).get(url)
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().lstrip("\ufeff").splitlines()
    assert lines[0].startswith("check_id,title,severity")
    assert len(lines) == 1 + 4 and "ec2-sg-open-admin-ports" in response.content.decode()
    assert client_as(owner).get(url).status_code == 403


def test_detail_shows_cause_remediation_and_controls(evaluated, client_as, auditor):
    finding = Finding.objects.get(check_id="ec2-sg-open-admin-ports")
    text = (
        client_as(auditor).get(reverse("assets:finding_detail", args=[finding.pk])).content.decode()
    )
    assert "SSH (22) from 0.0.0.0/0" in text
    assert "aws ec2 revoke-security-group-ingress" in text
    assert "8.20" in text and "PR.IR-01" in text
    assert "Only a security manager may mute" in text


def test_mute_and_unmute_from_the_page(evaluated, client_as, security_manager):
    finding = Finding.objects.get(check_id="ec2-sg-open-admin-ports")
    client = client_as(security_manager)
    until = timezone.localdate() + datetime.timedelta(days=10)

    response = client.post(
        reverse("assets:finding_mute", args=[finding.pk]),
        {"reason": "Bastion retired", "until": until},
    )

    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.status, finding.muted_reason, finding.muted_until) == (
        "muted",
        "Bastion retired",
        until,
    )
    response = client.post(reverse("assets:finding_unmute", args=[finding.pk]))
    finding.refresh_from_db()
    assert response.status_code == 302 and finding.status == "open"


def test_bad_mute_input_is_shown_beside_the_fields(evaluated, client_as, security_manager):
    finding = Finding.objects.get(check_id="ec2-sg-open-admin-ports")
    response = client_as(security_manager).post(
        reverse("assets:finding_mute", args=[finding.pk]),
        {"reason": "", "until": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    form = response.context["mute_form"]
    assert "reason" in form.errors
    text = response.content.decode()
    assert "This field is required." in text
    finding.refresh_from_db()
    assert finding.status == "open"
    response = client_as(security_manager).post(
        reverse("assets:finding_mute", args=[finding.pk]),
        {"reason": "Later", "until": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "The mute must end in the future." in response.content.decode()


def test_only_security_managers_may_mute(evaluated, client_as, manager, auditor, owner):
    finding = Finding.objects.get(check_id="ec2-sg-open-admin-ports")
    until = timezone.localdate() + datetime.timedelta(days=10)
    for user in (manager, auditor, owner):
        response = client_as(user).post(
            reverse("assets:finding_mute", args=[finding.pk]), {"reason": "x", "until": until}
        )
        assert response.status_code == 403
        assert (
            client_as(user).post(reverse("assets:finding_unmute", args=[finding.pk])).status_code
            == 403
        )
    finding.refresh_from_db()
    assert finding.status == "open"


def test_asset_and_resource_pages_show_their_findings(evaluated, client_as, auditor):
    account, asset = evaluated
    client = client_as(auditor)
    text = client.get(reverse("assets:asset_detail", args=[asset.pk])).content.decode()
    assert "Security findings" in text
    assert "Security group open to the internet on SSH (22) or RDP (3389)" in text
    resource = Finding.objects.get(check_id="ebs-volume-unencrypted").resource
    text = client.get(reverse("assets:aws_resource_detail", args=[resource.pk])).content.decode()
    assert "EBS volume not encrypted" in text
    assert "Security group open" not in text  # only this resource's findings
