"""Full export of the ISMS to JSON and import into an empty instance (isms/backup.py).

The source instance is the demo organisation (load_demo: users, frameworks, approved
scope/policies/methodology/SoA, assets, risks, acceptances, the audit trail) plus the
credentials the export must leave out. It is built and exported inside a transaction
that is then rolled back, so the test database is a freshly migrated instance again:
the import target. Runs on SQLite and, in CI, on PostgreSQL (freeze triggers included).
"""

import io
import json
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from isms import backup, roles, services
from isms.models import ApiToken, AuditEvent, User
from isms.models.approvals import ApprovalState
from isms.models.audit import AuditAction
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _export(path, populate=None) -> dict:
    """Export what `populate()` creates, then roll it back; returns populate()'s facts."""
    facts = {}
    with transaction.atomic():
        if populate:
            facts = populate() or {}
        backup.isms_export(path=path)
        transaction.set_rollback(True)
    return facts


def _audit_rows():
    fields = [f.attname for f in AuditEvent._meta.concrete_fields if f.attname != "content_type_id"]
    return [
        (*values, ct)
        for *values, ct in AuditEvent.objects.order_by("id").values_list(
            *fields, "content_type__app_label"
        )
    ]


def _row_counts():
    return {m._meta.label_lower: m._base_manager.count() for m in backup.exported_models()}


def _populate_demo():
    call_command("load_demo", stdout=io.StringIO())
    security = User.objects.get(username="security")
    token, clear = services.api_token_create(user=security, name="ci")
    device = TOTPDevice.objects.create(user=security, name="phone", confirmed=True)
    readers = Group.objects.create(name="Readers (custom)")
    readers.permissions.add(Permission.objects.get(codename="view_asset"))
    security.groups.add(readers)
    return {
        "counts": _row_counts(),
        "audit": _audit_rows(),
        "roles": {
            u.username: sorted(u.groups.values_list("name", flat=True)) for u in User.objects.all()
        },
        "approved": sorted(
            (m._meta.label_lower, pk)
            for m in apps.get_models()
            if "approval_state" in {f.name for f in m._meta.fields}
            for pk in m.objects.filter(approval_state=ApprovalState.APPROVED).values_list(
                "pk", flat=True
            )
        ),
        "stored_secrets": [token.token_hash, security.password],
        "clear_secrets": [clear, device.key],
    }


@pytest.fixture(scope="module")
def demo_export(django_db_setup, django_db_blocker, tmp_path_factory):
    """(path, facts): the export of the populated demo instance, made once per module."""
    path = tmp_path_factory.mktemp("export") / "demo.json"
    with django_db_blocker.unblock():
        facts = _export(path, _populate_demo)
    return path, facts


def test_round_trip_into_an_empty_instance_is_identical(demo_export, tmp_path):
    path, facts = demo_export
    assert not User.objects.exists()  # the target is a freshly migrated database

    result = backup.isms_import(path=path)

    assert result.total > 1000
    assert _row_counts() == facts["counts"]
    assert _audit_rows() == facts["audit"]  # the audit trail, field by field, same ids
    roles = {
        u.username: sorted(u.groups.values_list("name", flat=True)) for u in User.objects.all()
    }
    assert roles == facts["roles"]
    assert Group.objects.get(name="Readers (custom)").permissions.get().codename == "view_asset"
    again = tmp_path / "again.json"
    backup.isms_export(path=again)
    assert again.read_bytes() == path.read_bytes()


def test_approved_records_stay_approved(demo_export):
    path, facts = demo_export
    backup.isms_import(path=path)
    approved = sorted(
        (m._meta.label_lower, pk)
        for m in apps.get_models()
        if "approval_state" in {f.name for f in m._meta.fields}
        for pk in m.objects.filter(approval_state=ApprovalState.APPROVED).values_list(
            "pk", flat=True
        )
    )
    assert approved == facts["approved"]
    assert len(approved) >= 4  # scope, policy, methodology, SoA at least


def test_credentials_are_left_out(demo_export):
    path, facts = demo_export
    text = path.read_text()
    # Neither clear secrets nor their stored hashes: the audit trail redacts them too.
    for secret in facts["clear_secrets"] + facts["stored_secrets"]:
        assert secret not in text
    objects = json.loads(text)["objects"]
    assert {obj["fields"]["password"] for obj in objects if obj["model"] == "isms.user"} == {"!"}
    backup.isms_import(path=path)
    assert not ApiToken.objects.exists()
    assert not TOTPDevice.objects.exists()
    assert not any(user.has_usable_password() for user in User.objects.all())


def test_every_project_model_is_exported_except_credentials_and_transient_state():
    project = {
        m._meta.label_lower
        for label in roles.isms_app_labels()
        for m in apps.get_app_config(label).get_models()
    }
    exported = {m._meta.label_lower for m in backup.exported_models()}
    left_out = {"isms.apitoken", "isms.heartbeat", "sso.confirmationcode", "sso.samlsession"}
    assert exported == (project - left_out) | {"auth.group"}


def test_export_is_recorded_in_the_audit_trail(tmp_path):
    backup.isms_export(path=tmp_path / "x.json")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.message.startswith("Full ISMS export")


def test_a_non_empty_target_is_refused(tmp_path, security_manager):
    path = tmp_path / "x.json"
    _export(path, lambda: UserFactory(username="someone"))
    with pytest.raises(backup.BackupError, match=r"not empty: it has 1 user account"):
        backup.isms_import(path=path)
    assert list(User.objects.values_list("username", flat=True)) == ["security_manager"]


def test_a_schema_version_mismatch_is_refused_naming_the_difference(tmp_path):
    path = tmp_path / "x.json"
    _export(path, lambda: UserFactory(username="someone"))
    document = json.loads(path.read_text())
    ours = document["schema"]["risks"]
    document["schema"]["risks"] = "0001_initial"
    path.write_text(json.dumps(document))
    with pytest.raises(backup.BackupError) as refused:
        backup.isms_import(path=path)
    assert f"risks: file 0001_initial, this database {ours}" in str(refused.value)
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda text: text[: len(text) // 2], r"not valid JSON \(line \d+"),
        (lambda text: text.replace('"someone"', '"someone-else"'), "damaged or was edited"),
        (lambda text: "[]", "not an ISMS export"),
        (lambda text: text.replace('"format_version": 1', '"format_version": 99'), "version 99"),
        (lambda text: "[" * 100_000 + "]" * 100_000, "nested far too deeply"),
    ],
    ids=["truncated", "edited", "not-an-export", "newer-format", "deeply-nested"],
)
def test_a_damaged_file_is_refused(tmp_path, damage, message):
    path = tmp_path / "x.json"
    _export(path, lambda: UserFactory(username="someone"))
    path.write_text(damage(path.read_text()))
    with pytest.raises(backup.BackupError, match=message):
        backup.isms_import(path=path)
    assert not User.objects.exists()


def test_a_failure_late_in_the_file_leaves_nothing_half_imported(demo_export, tmp_path):
    path, _ = demo_export
    document = json.loads(path.read_text())
    objects = document["objects"]
    # A consistent file (checksum recomputed) whose last dated object cannot be stored.
    position, last, date_field = next(
        (position, obj, name)
        for position, obj in reversed(list(enumerate(objects, start=1)))
        for name, value in obj["fields"].items()
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT.*", value)
    )
    assert position > len(objects) / 2
    last["fields"][date_field] = "not a date"
    document["sha256"] = backup.objects_sha256(objects)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document))
    seeded = _row_counts()  # what migrations seeded: the import replaces it, or leaves it

    with pytest.raises(backup.BackupError, match=rf"object {position} \({last['model']}"):
        backup.isms_import(path=broken)

    assert _row_counts() == seeded
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


def test_commands_export_and_import(tmp_path):
    path = tmp_path / "x.json"
    with transaction.atomic():
        UserFactory(username="someone")
        out = io.StringIO()
        call_command("export_isms", str(path), stdout=out)
        assert "Exported" in out.getvalue()
        with pytest.raises(
            CommandError, match="Nothing was imported. The target database is not empty"
        ):
            call_command("import_isms", str(path), stdout=io.StringIO())
        transaction.set_rollback(True)
    out = io.StringIO()
    call_command("import_isms", str(path), stdout=out)
    assert "Imported" in out.getvalue()
    assert User.objects.get().username == "someone"
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_isms", str(tmp_path / "missing.json"), stdout=io.StringIO())
