"""Issue 16.7: the approval quorum per approvable type comes from APPROVAL_QUORUM (two
for the SoA by default, as docs/governance.md says), is shown on the approval pages,
and the SoA, methodology and assets have periodic reviews."""

import datetime
import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from isms import approvals
from isms import settings as product_settings
from isms.env import envintmap
from isms.frameworks import services
from isms.governance import reviews
from isms.models import SoA
from isms.models.approvals import ApprovalState
from isms.models.governance import add_months
from tests.factories import PASSWORD, UserFactory, soa_decide_all


def test_the_product_default_is_two_approvers_for_the_soa(monkeypatch):
    # The test settings ask for one (tests/settings.py); the product's own default:
    monkeypatch.delenv("APPROVAL_QUORUM")
    assert importlib.reload(product_settings).APPROVAL_QUORUM == {"soa": 2}
    monkeypatch.setenv("APPROVAL_QUORUM", "soa=3,methodologyversion=2")
    assert importlib.reload(product_settings).APPROVAL_QUORUM == {
        "soa": 3,
        "methodologyversion": 2,
    }


@pytest.mark.parametrize("value", ["soa", "soa=0", "soa=two", "=2"])
def test_a_malformed_quorum_stops_start_up(monkeypatch, value):
    monkeypatch.setenv("APPROVAL_QUORUM", value)
    with pytest.raises(ImproperlyConfigured, match="APPROVAL_QUORUM"):
        envintmap("APPROVAL_QUORUM")


def test_an_unknown_type_in_the_setting_is_a_system_check_error(settings):
    settings.APPROVAL_QUORUM = {"soa": 2, "sao": 2}
    errors = approvals.check_quorum_setting()
    assert [e.id for e in errors] == ["isms.E010"]
    assert "sao" in errors[0].msg


@pytest.mark.django_db
def test_an_soa_needs_the_configured_number_of_approvers(
    settings, iso, security_manager, manager, client_as
):
    settings.APPROVAL_QUORUM = {"soa": 2}
    director = UserFactory()
    director.groups.add(*manager.groups.all())
    soa_decide_all(iso)
    soa = services.soa_freeze(user=security_manager)
    request = services.soa_submit(soa=soa, user=security_manager)
    assert request.quorum == 2

    services.soa_decide(soa=soa, user=manager, approve=True, password=PASSWORD)
    soa.refresh_from_db()
    assert soa.approval_state == ApprovalState.IN_REVIEW  # one of two
    page = client_as(director).get(reverse("isms:approval_detail", args=[request.pk]))
    assert "2 different approvers (Statement of Applicability); 1 approved so far" in (
        page.content.decode()
    )
    detail = client_as(director).get(reverse("isms:soa_detail", args=[soa.number]))
    assert "Approval needs 2 different approvers from management; 1 so far" in (
        detail.content.decode()
    )

    services.soa_decide(soa=soa, user=director, approve=True, password=PASSWORD)
    soa.refresh_from_db()
    assert soa.approval_state == ApprovalState.APPROVED
    assert SoA.objects.current() == soa


@pytest.mark.django_db
def test_other_types_follow_the_setting_too(settings):
    from isms.models import PolicyVersion

    kind = approvals.type_for(PolicyVersion)
    assert kind.quorum == 1
    settings.APPROVAL_QUORUM = {"policyversion": 3}
    assert kind.quorum == 3


# --- Reviews --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_soa_in_force_falls_due_for_review(settings, iso, security_manager, manager):
    settings.SOA_REVIEW_MONTHS = 12
    soa_decide_all(iso)
    soa = services.soa_freeze(user=security_manager)
    services.soa_submit(soa=soa, user=security_manager)
    services.soa_decide(soa=soa, user=manager, approve=True, password=PASSWORD)
    soa.refresh_from_db()
    due = add_months(soa.approved_at.date(), 12)
    assert [i for i in reviews.due(due - datetime.timedelta(days=1)) if i.obj == soa] == []
    item = next(i for i in reviews.due(due) if i.obj == soa)
    assert (item.kind, item.due, item.owners) == (
        "Statement of Applicability",
        due,
        [security_manager],
    )
    assert reviews.reviews_remind(today=due + datetime.timedelta(days=1)) >= 1


@pytest.mark.django_db
def test_the_active_methodology_falls_due_for_review(settings, security_manager, manager):
    from tests.risks.factories import approved_methodology

    settings.METHODOLOGY_REVIEW_MONTHS = 6
    version = approved_methodology(author=security_manager, approver=manager)
    due = add_months(version.approved_at.date(), 6)
    item = next(i for i in reviews.due(due) if i.obj == version)
    assert item.kind == "Risk methodology"


@pytest.mark.django_db
def test_assets_fall_due_for_review_and_remind_their_owner(owner):
    from tests.assets.factories import AssetFactory

    asset = AssetFactory(owner=owner, next_review_date=timezone.localdate())
    item = next(i for i in reviews.due(timezone.localdate()) if i.obj == asset)
    assert (item.kind, item.owners) == ("Asset", [owner])
