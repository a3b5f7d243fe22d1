"""The computed ISMS measures assets registers (issue 14), against hand counts."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from assets.findings import measures
from assets.findings import services as finding_services
from assets.models import Finding
from isms.context.measures import providers
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import sample_estate

pytestmark = pytest.mark.django_db


def test_findings_measures_match_hand_counts():
    account = AwsAccountFactory()
    sample_estate(account)
    finding_services.findings_evaluate(account=account)
    findings = list(Finding.objects.filter(status="open").order_by("pk"))
    assert len(findings) >= 4
    now = timezone.now()
    day = timezone.localdate()
    # Three open critical findings, 2, 4 and 10 days old; one resolved after 6 days.
    for finding, age in zip(findings[:3], (2, 4, 10), strict=True):
        Finding.objects.filter(pk=finding.pk).update(
            severity="critical", first_seen=now - datetime.timedelta(days=age)
        )
    Finding.objects.filter(pk=findings[3].pk).update(
        severity="critical",
        status="resolved",
        first_seen=now - datetime.timedelta(days=7),
        resolved_at=now - datetime.timedelta(days=1),
    )
    Finding.objects.exclude(pk__in=[f.pk for f in findings[:4]]).update(severity="low")
    assert measures.open_critical_findings(day) == 3
    assert abs(measures.open_critical_median_age(day) - Decimal(4)) <= Decimal("1")
    assert measures.mean_time_to_resolve(day) == Decimal("6.0")
    assert "open_critical_findings" in providers
