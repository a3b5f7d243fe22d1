"""The asset services: value at stake stays right after every edit, loops are refused
with the loop named, the audit trail records each change, and the signal fires."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assets import graph, services
from assets.hooks import value_at_stake_listeners
from assets.models import Asset, AssetDependency, AwsService
from isms import audit
from isms.models import AuditEvent
from isms.models.audit import AuditAction
from tests.assets.factories import AssetFactory, chain, essential

pytestmark = pytest.mark.django_db


def stakes(*assets):
    return [Asset.objects.get(pk=a.pk).value_at_stake_usd for a in assets]


def assert_all_correct():
    """The stored figure of every asset equals a fresh computation from the graph."""
    fresh = graph.values_at_stake(Asset.objects.values_list("pk", flat=True))
    stored = dict(Asset.objects.values_list("pk", "value_at_stake_usd"))
    assert stored == fresh


@pytest.fixture
def announced():
    """The asset id sets the services announce to value-at-stake listeners."""
    received = []

    with value_at_stake_listeners.override() as listeners:
        listeners.register(lambda *, asset_ids: received.append(set(asset_ids)))
        yield received


def test_it_generates_sequential_refs_and_keeps_given_ones():
    first = AssetFactory()
    second = AssetFactory()
    custom = AssetFactory(ref="DB-PROD")
    third = AssetFactory()
    assert (first.ref, second.ref, custom.ref, third.ref) == ("A-001", "A-002", "DB-PROD", "A-003")


def test_it_rejects_a_category_of_the_other_class():
    with pytest.raises(ValidationError) as error:
        services.asset_create(
            user=None, data={"name": "X", "asset_class": "essential", "category": "hardware"}
        )
    assert "category" in error.value.message_dict
    assert "support assets" in error.value.message_dict["category"][0]
    assert not Asset.objects.exists()


def test_it_rejects_a_negative_value():
    with pytest.raises(ValidationError) as error:
        AssetFactory(value_usd=-1)
    assert "value_usd" in error.value.message_dict


def test_it_rejects_a_duplicate_ref():
    AssetFactory(ref="A-001")
    with pytest.raises(ValidationError) as error:
        AssetFactory(ref="A-001")
    assert "ref" in error.value.message_dict


def test_value_at_stake_sums_every_dependent_once():
    # billing -> db -> rds-team ; billing -> app -> db  (diamond: db counted once per dependent)
    billing = essential(value_usd=1000)
    app = AssetFactory(value_usd=100)
    db = AssetFactory(value_usd=10)
    team = AssetFactory(value_usd=1)
    services.asset_dependency_add(dependent=billing, dependency=db, user=None)
    services.asset_dependency_add(dependent=billing, dependency=app, user=None)
    services.asset_dependency_add(dependent=app, dependency=db, user=None)
    services.asset_dependency_add(dependent=db, dependency=team, user=None)
    assert stakes(billing, app, db, team) == [
        Decimal("1000"),
        Decimal("1100"),
        Decimal("1110"),  # billing counted once, though two paths lead to db
        Decimal("1111"),
    ]
    assert_all_correct()


def test_changing_a_value_moves_everything_below(announced):
    top, middle, bottom = chain(1000, 100, 10)
    other = AssetFactory(value_usd=5)
    announced.clear()
    services.asset_update(asset=top, user=None, data={"value_usd": Decimal("4000")})
    assert stakes(top, middle, bottom, other) == [4000, 4100, 4110, 5]
    assert announced == [{top.pk, middle.pk, bottom.pk}]
    assert_all_correct()


def test_removing_a_dependency_lowers_values_below(announced):
    top, middle, bottom = chain(1000, 100, 10)
    announced.clear()
    services.asset_dependency_remove(dependent=top, dependency=middle, user=None)
    assert stakes(top, middle, bottom) == [1000, 100, 110]
    assert announced == [{middle.pk, bottom.pk}]
    assert_all_correct()


def test_update_replaces_dependencies_and_services():
    a, b, c = AssetFactory(value_usd=1), AssetFactory(value_usd=2), AssetFactory(value_usd=4)
    s3 = AwsService.objects.get(code="s3")
    services.asset_update(asset=a, user=None, data={}, depends_on=[b], aws_services=[s3])
    assert stakes(b, c) == [3, 4]
    services.asset_update(asset=a, user=None, data={}, depends_on=[c])
    assert stakes(b, c) == [2, 5]
    assert list(Asset.objects.get(pk=a.pk).aws_services.all()) == [s3]
    assert_all_correct()


def test_a_loop_is_refused_and_named():
    a, b, c = chain(1, 2, 3)
    with pytest.raises(ValidationError) as error:
        services.asset_dependency_add(dependent=c, dependency=a, user=None)
    message = error.value.message_dict["depends_on"][0]
    assert message == (
        f"This dependency would create a loop: {c.ref} {c.name} → {a.ref} {a.name} → "
        f"{b.ref} {b.name} → {c.ref} {c.name}."
    )
    assert not AssetDependency.objects.filter(dependent=c).exists()
    assert_all_correct()


def test_a_loop_through_update_is_refused_and_nothing_changes():
    a, b = chain(1, 2)
    with pytest.raises(ValidationError):
        services.asset_update(asset=b, user=None, data={"value_usd": Decimal("50")}, depends_on=[a])
    assert Asset.objects.get(pk=b.pk).value_usd == 2  # the whole update rolled back
    assert_all_correct()


def test_self_dependency_is_refused():
    a = AssetFactory()
    with pytest.raises(ValidationError, match="cannot depend on itself"):
        services.asset_dependency_add(dependent=a, dependency=a, user=None)


def test_delete_refuses_while_others_depend_on_it():
    top, bottom = chain(100, 10)
    with pytest.raises(services.AssetInUse, match=top.ref):
        services.asset_delete(asset=bottom, user=None)
    assert Asset.objects.filter(pk=bottom.pk).exists()


def test_forced_delete_unlinks_explicitly_and_fixes_values(announced):
    top, middle, bottom = chain(100, 10, 1)
    announced.clear()
    services.asset_delete(asset=middle, force=True, user=None)
    assert not Asset.objects.filter(pk=middle.pk).exists()
    assert stakes(top, bottom) == [100, 1]
    assert announced == [{bottom.pk}]
    history = AuditEvent.objects.filter(object_id=str(top.pk), action=AuditAction.UPDATE)
    assert history.filter(message__contains="was deleted").exists()
    assert_all_correct()


def test_every_change_is_in_the_audit_trail():
    with audit.acting_as(None, source="test"):
        a = AssetFactory(value_usd=1)
        b = AssetFactory(value_usd=2)
        services.asset_update(
            asset=a, user=None, data={"name": "Renamed", "value_usd": Decimal("3")}
        )
        services.asset_dependency_add(dependent=a, dependency=b, user=None)
        services.asset_update(
            asset=a, user=None, data={"name": "Renamed", "value_usd": Decimal("3")}
        )  # no-op
    events = list(audit.history(a).order_by("id"))
    assert [e.action for e in events] == ["create", "update", "update"]
    assert events[0].source == "test"
    assert events[1].changes["name"] == [a.name, "Renamed"]
    assert events[1].changes["value_usd"] == ["1.00", "3.00"]
    assert events[2].changes == {"depends_on": [[], [b.pk]]}
    assert "value_at_stake_usd" not in events[2].changes


def test_bulk_update_sets_owner_and_interval(owner):
    a, b = AssetFactory(), AssetFactory()
    services.asset_bulk_update(
        assets=[a, b], user=None, data={"owner": owner, "review_interval_days": 30}
    )
    expected = timezone.localdate() + datetime.timedelta(days=30)
    for asset in Asset.objects.filter(pk__in=[a.pk, b.pk]):
        assert asset.owner == owner
        assert asset.next_review_date == expected
    assert AuditEvent.objects.filter(message="Bulk edit").count() == 2


def test_overdue_reviews():
    late = AssetFactory(next_review_date=timezone.localdate() - datetime.timedelta(days=1))
    fine = AssetFactory()
    assert late.overdue and not fine.overdue
    assert list(Asset.objects.overdue()) == [late]
    services.asset_mark_reviewed(asset=late, user=None)
    assert not Asset.objects.get(pk=late.pk).overdue


def test_recompute_repairs_stale_figures():
    top, bottom = chain(100, 10)
    Asset.objects.filter(pk=bottom.pk).update(value_at_stake_usd=0)
    assert services.asset_values_recompute() == {bottom.pk}
    assert stakes(bottom) == [110]


def test_value_at_stake_listeners_run_inside_the_transaction():
    top, bottom = chain(100, 10)

    def failing(*, asset_ids):
        raise RuntimeError("listener failed")

    with value_at_stake_listeners.override() as listeners:
        listeners.register(failing)
        with pytest.raises(RuntimeError):
            services.asset_update(asset=top, user=None, data={"value_usd": Decimal("999")})
    assert stakes(top, bottom) == [100, 110]  # rolled back with the change


@pytest.mark.django_db(transaction=True)
def test_an_operation_that_fails_after_recording_leaves_no_audit_event(security_manager):
    """The audit record is written inside the service's transaction: when anything after
    it fails (here a value-at-stake listener), the event goes with the change."""

    def failing_listener(asset_ids):
        raise RuntimeError("listener failed")

    data = {"asset_class": "support", "category": "software"}
    with value_at_stake_listeners.override():
        value_at_stake_listeners.register(failing_listener)
        with pytest.raises(RuntimeError, match="listener failed"):
            services.asset_create(user=security_manager, data={"name": "Rolled back", **data})
    assert not Asset.objects.filter(name="Rolled back").exists()
    assert not AuditEvent.objects.filter(object_repr__contains="Rolled back").exists()
    asset = services.asset_create(user=security_manager, data={"name": "Committed", **data})
    assert audit.history(asset).get().action == AuditAction.CREATE


def test_the_audit_trail_names_the_user_a_service_acts_for(security_manager):
    # Outside a request (a command, a task): the service's `user` is the actor.
    with audit.acting_as(None, source="command:import"):
        asset = services.asset_create(
            user=security_manager,
            data={"name": "CRM", "asset_class": "support", "category": "software"},
        )
        services.asset_bulk_update(
            assets=[asset], user=security_manager, data={"review_interval_days": 30}
        )
    events = AuditEvent.objects.filter(object_id=str(asset.pk)).order_by("pk")
    assert [(e.action, e.actor, e.source) for e in events] == [
        (AuditAction.CREATE, security_manager, "command:import"),
        (AuditAction.UPDATE, security_manager, "command:import"),
    ]
