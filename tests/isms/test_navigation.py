"""The sidebar walks the nine steps and lights exactly one item."""

import pytest
from django.test import RequestFactory

from isms import navigation

pytestmark = pytest.mark.django_db


def active_labels(user, path):
    request = RequestFactory().get(path)
    request.user = user
    return [
        entry["item"].label
        for _, entries in navigation.sections(request)
        for entry in entries
        if entry["active"]
    ]


def test_the_longest_matching_item_is_the_only_active_one(security_manager):
    assert active_labels(security_manager, "/assets/shared-responsibility/") == [
        "Shared responsibility"
    ]
    assert active_labels(security_manager, "/assets/12/") == ["Assets"]
    assert active_labels(security_manager, "/") == ["Dashboard"]


def test_the_nine_steps_are_always_listed(outsider):
    request = RequestFactory().get("/")
    request.user = outsider
    steps = [
        entry["item"].step
        for title, entries in navigation.sections(request)
        for entry in entries
        if title == "The nine steps"
    ]
    assert steps == list(range(1, 10))


def test_items_follow_permissions(outsider, auditor, admin_user):
    def labels(user):
        request = RequestFactory().get("/")
        request.user = user
        return {e["item"].label for _, entries in navigation.sections(request) for e in entries}

    assert "Audit log" not in labels(outsider) and "Audit log" in labels(auditor)
    assert "Administration" not in labels(auditor) and "Administration" in labels(admin_user)


def test_apps_register_their_own_items(security_manager):
    request = RequestFactory().get("/")
    request.user = security_manager
    sections = dict(navigation.sections(request))
    assert [e["item"].label for e in sections["Inventory"]][0] == "Assets"
    assert sections["The nine steps"][3]["item"].url_name == "risks:risk_list"


def test_a_step_without_a_registered_item_links_to_the_dashboard(security_manager):
    request = RequestFactory().get("/")
    request.user = security_manager
    without_risks = [item for item in navigation.items if not item.url_name.startswith("risks:")]
    with navigation.items.override(without_risks):
        steps = dict(navigation.sections(request))["The nine steps"]
    assert [e["item"].step for e in steps] == list(range(1, 10))
    assert steps[3]["url"] == "/#step-4" and not steps[3]["installed"]
    assert steps[3]["item"].label == "Identify risks"


def test_an_item_needs_a_known_section():
    with pytest.raises(ValueError, match="section must be one of"):
        navigation.Item("Suppliers", "assets:supplier_list", "bi-truck", section="Elsewhere")
