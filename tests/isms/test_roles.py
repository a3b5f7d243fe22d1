"""Roles are groups whose permissions follow the rules in isms/roles.py."""

import pytest
from django.contrib.auth.models import Group, Permission

from isms import roles

pytestmark = pytest.mark.django_db


def codenames(role):
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


def test_the_data_migration_created_the_three_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)


def test_auditor_reads_and_exports_but_changes_nothing():
    perms = codenames(roles.AUDITOR)
    assert "view_auditevent" in perms and "export_auditevent" in perms
    assert not {p for p in perms if p.startswith(("add_", "change_", "delete_", "approve_"))}


def test_management_reads_and_decides_but_does_not_edit():
    perms = codenames(roles.MANAGEMENT)
    assert "view_auditevent" in perms
    assert not {p for p in perms if p.startswith(("add_", "change_", "delete_"))}
    decisions = set(
        Permission.objects.filter(
            content_type__app_label__in=roles.isms_app_labels(), codename__startswith="approve_"
        ).values_list("codename", flat=True)
    )
    assert decisions <= perms


def test_security_manager_edits_but_never_decides_nor_touches_users_or_the_trail():
    perms = codenames(roles.SECURITY_MANAGER)
    assert not {p for p in perms if p.startswith(roles.DECISION_PREFIXES)}
    assert not perms & {
        "add_user",
        "change_user",
        "delete_user",
        "change_auditevent",
        "delete_auditevent",
        "add_auditevent",
        "view_apitoken",
    }


def test_nobody_but_superusers_holds_permissions_outside_the_isms_apps():
    for role in roles.ROLES:
        apps = set(
            Group.objects.get(name=role).permissions.values_list(
                "content_type__app_label", flat=True
            )
        )
        assert apps <= set(roles.isms_app_labels())


@pytest.mark.parametrize(
    "role, app, model, codename, expected",
    [
        (roles.SECURITY_MANAGER, "assets", "asset", "change_asset", True),
        (roles.SECURITY_MANAGER, "isms", "policyversion", "approve_policyversion", False),
        (roles.MANAGEMENT, "isms", "policyversion", "approve_policyversion", True),
        (roles.MANAGEMENT, "risks", "risk", "change_risk", False),
        (roles.AUDITOR, "isms", "soa", "download_soa", True),
        (roles.AUDITOR, "risks", "risk", "add_risk", False),
        (roles.SECURITY_MANAGER, "auth", "group", "change_group", False),
    ],
)
def test_rules_cover_models_added_later(role, app, model, codename, expected):
    assert roles.wants(role, app, model, codename) is expected


def test_resync_after_migrate_is_idempotent():
    before = {role: codenames(role) for role in roles.ROLES}
    roles.sync_role_permissions(Group, Permission)
    assert {role: codenames(role) for role in roles.ROLES} == before


def test_roles_of(security_manager, admin_user, outsider):
    assert roles.roles_of(security_manager) == [roles.SECURITY_MANAGER]
    assert roles.roles_of(admin_user) == ["Administrator"]
    assert roles.roles_of(outsider) == []


@pytest.mark.parametrize(
    "name", ["security_manager", "manager", "auditor", "owner", "outsider", "admin"]
)
def test_every_persona_sees_the_dashboard(client_as, persona, name):
    response = client_as(persona(name)).get("/")
    assert response.status_code == 200
    assert b"Define the scope" in response.content
    assert response["Cache-Control"] == "no-store"
