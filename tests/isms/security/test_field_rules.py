"""Field-level rules of the API: nobody sets what the workflow or the computation owns.

For every writable API, the most privileged writers (the security manager and an
administrator, who holds every permission) send the protected fields with forged
values: approval stamps (`approved_by`, `approved_at`, `approval_state`...),
numbering, computed figures (value at stake, levels, SLE/ALE, overdue...) and the
connector's own state. The request is refused (400) or the fields are ignored; either
way the database keeps what the services computed, and a 200 answer shows the stored
values, not the forged ones.

Workflow transitions that *are* writable fields (a risk's status) are checked by
their rule: "accepted" needs a management acceptance.
"""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse

from assets.models import Asset, AwsAccount, Finding
from isms.models import ControlImplementation, Policy, PolicyVersion, ScopeVersion, SoA
from risks.models import MethodologyVersion, Risk, Threat, Vulnerability
from tests.factories import PASSWORD
from tests.isms.security.matrix_world import World, token_for

pytestmark = pytest.mark.django_db

FORGED_TIME = "2001-01-01T00:00:00Z"
FORGED_APPROVAL = {
    "approval_state": "approved",
    "approved_at": FORGED_TIME,
    "approved_sha256": "0" * 64,
    "approved_by": 1,
    "number": 999,
    "created_by": 1,
    "created_at": FORGED_TIME,
}

# route, World target, model, forged values, extra writable values the request needs
PATCH_CASES = [
    (
        "asset-detail",
        "own_asset",
        Asset,
        {"value_at_stake_usd": "99999999.00", "overdue": True, "created_at": FORGED_TIME},
        {},
    ),
    (
        "risk-detail",
        "own_risk",
        Risk,
        {
            "ref": "R-999",
            "inherent_level": 25,
            "residual_level": 25,
            "value_at_stake_usd": "99999999.00",
            "exposure_factor": "1.00",
            "sle_usd": "99999999.00",
            "aro": "99.00",
            "ale_usd": "99999999.00",
            "residual_ale_usd": "99999999.00",
            "accepted_until": "2099-01-01",
            "open_findings_count": 99,
            "created_at": FORGED_TIME,
        },
        {"version": "risk_version"},
    ),
    ("scopeversion-detail", "scope_draft", ScopeVersion, FORGED_APPROVAL, {}),
    ("policyversion-detail", "policy_draft", PolicyVersion, FORGED_APPROVAL, {}),
    (
        "policy-detail",
        "policy",
        Policy,
        {
            "published_version": None,
            "published_at": FORGED_TIME,
            "next_review_due": "2099-01-01",
            "last_reviewed_at": FORGED_TIME,
        },
        {},
    ),
    (
        "methodologyversion-detail",
        "methodology_draft",
        MethodologyVersion,
        {**FORGED_APPROVAL, "author": 1},
        {},
    ),
    (
        "controlimplementation-detail",
        "own_implementation",
        ControlImplementation,
        {"control": "5.2", "framework": "nist-csf-2.0", "updated_at": FORGED_TIME},
        {},
    ),
    (
        "awsaccount-detail",
        "account",
        AwsAccount,
        {
            "external_id": "forged-external-id",
            "connection_status": "ok",
            "connection_message": "forged",
            "connection_checked_at": FORGED_TIME,
            "last_sync_started_at": FORGED_TIME,
        },
        {"password": PASSWORD},
    ),
    ("threat-detail", "threat_api", Threat, {"source": "forged"}, {}),
    ("vulnerability-detail", "vulnerability_api", Vulnerability, {"source": "forged"}, {}),
]


@pytest.fixture
def world(persona):
    names = {"security": "security_manager", "management": "manager", "owner": "owner"}
    return World({role: persona(name) for role, name in names.items()})


@pytest.fixture
def api(persona):
    """api(role) -> a client calling the API with a token of that persona."""

    def make(name):
        return Client(headers={"Authorization": f"Token {token_for(persona(name))}"})

    return make


def stored(obj, fields) -> dict:
    """The values of `fields` that `obj` has in the database (ids for relations)."""
    obj = type(obj)._default_manager.get(pk=obj.pk)
    values = {}
    for name in fields:
        try:
            field = obj._meta.get_field(name)
        except Exception:  # noqa: BLE001 - a property (e.g. `overdue`) or not on the model
            if hasattr(obj, name):
                values[name] = getattr(obj, name)
            continue
        values[name] = getattr(obj, field.attname)
    return values


def send(client, method, url, data):
    return client.generic(method, url, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("persona_name", ["security_manager", "admin"])
@pytest.mark.parametrize(
    ("route", "target", "model", "forged", "extra"), PATCH_CASES, ids=lambda v: str(v)
)
def test_protected_fields_cannot_be_written(
    world, api, persona_name, route, target, model, forged, extra
):
    kwargs = world.kwargs(target)
    obj = model._default_manager.get(pk=kwargs["pk"])
    before = stored(obj, forged)
    assert before, f"{route}: none of {sorted(forged)} is on {model.__name__}"
    data = {**forged}
    for name, value in extra.items():
        data[name] = world.risk_version(obj.pk) if value == "risk_version" else value
    client = api(persona_name)
    for method in ("PATCH", "PUT"):
        response = send(client, method, reverse(route, kwargs=kwargs), data)
        assert response.status_code in (200, 400, 405), (method, response.status_code)
        assert stored(obj, forged) == before, f"{method} {route} changed {sorted(forged)}"
        if response.status_code == 200:
            body = response.json()
            for name in forged:
                if name in body:
                    assert body[name] != forged[name] or forged[name] == before.get(name), (
                        f"{method} {route} echoes the forged {name}"
                    )


def test_creating_a_risk_ignores_forged_figures(world, api):
    world.methodology  # noqa: B018 - risks are scored by the active methodology
    response = send(
        api("security_manager"),
        "POST",
        "/api/risks/",
        {
            "title": "Forged figures",
            "assets": [world.own_asset["pk"]],
            "inherent_likelihood": 1,
            "inherent_impact": 1,
            "ref": "R-999",
            "inherent_level": 25,
            "ale_usd": "99999999.00",
            "sle_usd": "99999999.00",
            "value_at_stake_usd": "99999999.00",
            "accepted_until": "2099-01-01",
        },
    )
    assert response.status_code == 201, response.content
    risk = Risk.objects.get(title="Forged figures")
    assert risk.ref != "R-999"
    assert risk.inherent_level == 1
    assert risk.ale_usd != 99999999 and risk.sle_usd != 99999999
    assert risk.value_at_stake_usd == Asset.objects.get(pk=world.own_asset["pk"]).value_at_stake_usd


def test_creating_an_asset_ignores_forged_figures(api):
    response = send(
        api("security_manager"),
        "POST",
        "/api/assets/",
        {
            "name": "Forged",
            "asset_class": "support",
            "category": "software",
            "value_usd": 1000,
            "value_at_stake_usd": "99999999.00",
            "overdue": True,
        },
    )
    assert response.status_code == 201, response.content
    asset = Asset.objects.get(name="Forged")
    assert asset.value_at_stake_usd == 1000


@pytest.mark.parametrize(
    ("route", "body", "model"),
    [
        ("/api/scopes/", {"description": "Forged"}, ScopeVersion),
        ("/api/risk-methodologies/", {"preset": "5x5"}, MethodologyVersion),
    ],
)
def test_new_versions_start_as_drafts_whatever_is_sent(world, api, route, body, model):
    world.methodology  # noqa: B018 - a methodology draft follows the active version
    response = send(api("security_manager"), "POST", route, {**body, **FORGED_APPROVAL})
    assert response.status_code == 201, response.content
    created = model._default_manager.get(pk=response.json()["id"])
    assert created.approval_state == "draft"
    assert created.approved_at is None and not created.approved_sha256
    assert created.number != 999
    if hasattr(created, "approved_by_id"):
        assert created.approved_by_id is None


def test_a_frozen_soa_is_not_approved_by_what_is_posted(world, api):
    world.soa  # noqa: B018 - the framework is selected as the SoA basis
    response = send(
        api("security_manager"),
        "POST",
        "/api/soas/",
        {"approval_state": "approved", "content_hash": "0" * 64, "frozen_by": 1},
    )
    assert response.status_code == 201, response.content
    soa = SoA.objects.get(pk=response.json()["id"])
    assert soa.approval_state == "draft"
    assert soa.content_hash != "0" * 64
    assert soa.frozen_by == world.security_manager


def test_a_risk_is_not_accepted_by_setting_its_status(world, api):
    """Status is writable, but "accepted" is a transition that needs management."""
    risk = Risk.objects.get(pk=world.own_risk["pk"])
    # The world scores it 3 x 3; 5 x 5 makes it a risk that needs management's acceptance.
    response = send(
        api("security_manager"),
        "PATCH",
        f"/api/risks/{risk.pk}/",
        {"version": risk.version, "inherent_likelihood": 5, "inherent_impact": 5},
    )
    assert response.status_code == 200, response.content
    for name in ("security_manager", "owner", "admin"):
        response = send(
            api(name),
            "PATCH",
            f"/api/risks/{risk.pk}/",
            {"version": world.risk_version(risk.pk), "status": "accepted"},
        )
        assert response.status_code == 400, (name, response.status_code, response.content)
        assert "status" in response.json()["errors"]
        assert Risk.objects.get(pk=risk.pk).status != "accepted"


def test_a_finding_status_is_not_writable(world, api):
    finding = Finding.objects.get(pk=world.finding["pk"])
    client = api("security_manager")
    for method in ("PATCH", "PUT"):
        response = send(client, method, f"/api/findings/{finding.pk}/", {"status": "resolved"})
        assert response.status_code == 405
    until = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    response = send(
        client,
        "POST",
        f"/api/findings/{finding.pk}/mute/",
        {"reason": "Accepted for now", "until": until, "status": "resolved"},
    )
    assert response.status_code == 200, response.content
    assert Finding.objects.get(pk=finding.pk).status == "muted"
