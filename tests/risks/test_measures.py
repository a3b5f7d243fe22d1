"""The computed ISMS measure risks registers (issue 14), against a hand count."""

import datetime

import pytest

from risks.measures import risks_above_acceptance
from risks.models import Risk
from tests.risks.factories import approved_methodology, make_risk

pytestmark = pytest.mark.django_db


def test_risks_above_the_acceptance_criteria(security_manager, manager):
    version = approved_methodology(author=security_manager, approver=manager)
    scale = version.scale
    high = next(r for r in range(1, len(scale.levels) + 1) if scale.needs_acceptance(r))
    low = next(r for r in range(1, len(scale.levels) + 1) if not scale.needs_acceptance(r))
    risks = [make_risk(security_manager, title=f"Risk {i}") for i in range(4)]
    levels = [(high, None), (low, high), (high, low), (None, None)]
    for risk, (inherent, residual) in zip(risks, levels, strict=True):
        Risk.objects.filter(pk=risk.pk).update(
            methodology_version=version, inherent_level=inherent, residual_level=residual
        )
    # The first (inherent high, no residual yet) and the second (residual high) count.
    assert risks_above_acceptance(datetime.date.today()) == 2
    Risk.objects.filter(pk=risks[0].pk).update(status="closed")
    assert risks_above_acceptance(datetime.date.today()) == 1
