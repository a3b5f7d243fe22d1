"""Numbers of a sequence (isms.numbering) under concurrency: two creations at the same
moment, each in its own thread and database connection, both succeed with distinct
numbers. On PostgreSQL the sequence's advisory lock serialises them (an aggregate under
select_for_update() locked nothing, and the second freeze died with an IntegrityError);
on SQLite the IMMEDIATE transaction does. CI runs these on PostgreSQL."""

import threading

import pytest
from django.db import connection, transaction

from isms import numbering
from isms.frameworks import services
from isms.models import SoA
from risks import services as risk_services
from risks.models import Risk
from tests.assets.factories import AssetFactory
from tests.factories import soa_decide_all
from tests.risks.factories import approved_methodology

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(create, times=2):
    """Run `create()` in `times` threads released together; return results/errors."""
    barrier = threading.Barrier(times)
    results = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(create())
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not [r for r in results if isinstance(r, Exception)], results
    return results


def test_two_simultaneous_soa_freezes_get_distinct_numbers(iso, security_manager):
    soa_decide_all(iso)
    results = _at_once(lambda: services.soa_freeze(user=security_manager).number)
    assert sorted(results) == [1, 2], results
    assert sorted(SoA.objects.values_list("number", flat=True)) == [1, 2]


def test_two_simultaneous_risks_get_distinct_refs(security_manager, manager):
    approved_methodology(author=security_manager, approver=manager)
    asset = AssetFactory()

    def create():
        return risk_services.risk_create(
            user=security_manager, data={"title": "Outage", "assets": [asset]}
        ).ref

    results = _at_once(create)
    assert sorted(results) == ["R-001", "R-002"], results
    assert Risk.objects.count() == 2


def test_numbers_are_allocated_only_inside_a_transaction():
    with pytest.raises(RuntimeError, match="atomic"):
        numbering.next_number(SoA.objects.all(), sequence="isms.soa")
    with transaction.atomic():
        assert numbering.next_number(SoA.objects.all(), sequence="isms.soa") == 1


def test_each_sequence_has_its_own_stable_lock_key():
    assert numbering.sequence_key("isms.soa") == numbering.sequence_key("isms.soa")
    keys = {numbering.sequence_key(s) for s in ("isms.soa", "risks.risk", "assets.asset")}
    assert len(keys) == 3
    assert all(-(2**63) <= key < 2**63 for key in keys)
