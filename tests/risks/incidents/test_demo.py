"""The incident demo: one closed incident whose lessons raised a risk, one open breach
with its 72-hour notification running; loaded once."""

import io

import pytest
from django.utils import timezone

from assets.demo import inventory as assets_demo
from isms.demo import users as isms_demo
from risks.demo import register as risks_demo
from risks.incidents import demo
from risks.incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_demo_incidents():
    out = io.StringIO()
    isms_demo.load(out)
    assets_demo.load(out)
    risks_demo.load(out)
    demo.load(out)
    closed, open_ = Incident.objects.order_by("number")
    assert closed.status == "closed" and closed.lessons_learned
    assert closed.risks.get().title == "Customer database exhausts its storage"
    assert open_.is_open and open_.personal_data_breach
    notification = open_.notifications.get()
    assert notification.status == "pending" and notification.due_at > timezone.now()
    demo.load(out)
    assert Incident.objects.count() == 2
