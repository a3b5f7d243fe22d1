"""The demo supplier register loads, tells its story and is idempotent."""

import io

import pytest

from assets.demo import inventory
from assets.suppliers.demo import register
from assets.suppliers.models import Assessment, Certification, Supplier
from isms.demo import users

pytestmark = pytest.mark.django_db


def test_demo_suppliers():
    users.load(io.StringIO())
    inventory.load(io.StringIO())
    register.load(io.StringIO())
    register.load(io.StringIO())
    assert Supplier.objects.count() == 5
    assert Supplier.objects.filter(is_aws=True).count() == 1
    assert [c.expired for c in Certification.objects.all()].count(True) == 1
    answered = Assessment.objects.get()
    assert answered.answered_at and answered.score and answered.conclusion == "conditions"
