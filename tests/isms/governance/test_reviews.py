"""Reviews due, the daily reminder task and its de-duplication, notifications pages."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from isms.governance import reviews, services
from isms.governance.tasks import reviews_daily
from isms.models import Notification, Policy, ReviewReminder
from isms.models.governance import add_months
from tests.isms.governance.factories import make_policy


def _overdue(policy, days=3):
    due = timezone.localdate() - datetime.timedelta(days=days)
    Policy.objects.filter(pk=policy.pk).update(next_review_due=due)
    return due


@pytest.mark.django_db
def test_reminders_go_out_once_per_due_date(
    security_manager, owner, django_capture_on_commit_callbacks
):
    policy = make_policy(security_manager, owner=owner)
    due = _overdue(policy)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert reviews.reviews_remind() == 1
    assert len(callbacks) == 1  # one e-mail task, enqueued after commit
    assert reviews.reviews_remind() == 0  # the same day again
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert reviews.reviews_remind(today=tomorrow) == 0  # every following day
    assert ReviewReminder.objects.get().due_date == due
    notification = Notification.objects.get()
    assert notification.user == owner
    assert "Review overdue" in notification.subject
    # Reviewed, then overdue again on a new due date: a new reminder.
    services.document_review_complete(document=policy, user=security_manager)
    policy.refresh_from_db()
    assert policy.next_review_due == add_months(timezone.localdate(), 12)
    later = policy.next_review_due + datetime.timedelta(days=2)
    assert reviews.reviews_remind(today=later) == 1
    assert ReviewReminder.objects.count() == 2


@pytest.mark.django_db
def test_due_today_is_not_overdue_yet(security_manager):
    policy = make_policy(security_manager)
    Policy.objects.filter(pk=policy.pk).update(next_review_due=timezone.localdate())
    assert reviews.reviews_remind() == 0


@pytest.mark.django_db
def test_policy_without_owner_reminds_the_security_managers(security_manager):
    _overdue(make_policy(security_manager))
    reviews_daily()
    assert [n.user for n in Notification.objects.all()] == [security_manager]


@pytest.mark.django_db
def test_beat_runs_the_daily_task():
    from django.conf import settings

    entries = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "isms.governance.tasks.reviews_daily" in entries


def test_add_months_clamps_to_month_end():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 12) == datetime.date(2027, 11, 15)


@pytest.mark.django_db
def test_reviews_due_page_marks_overdue(client_as, security_manager, auditor):
    policy = make_policy(security_manager)
    _overdue(policy)
    page = client_as(auditor).get(reverse("isms:reviews_due")).content.decode()
    assert str(policy) in page and "Overdue" in page


@pytest.mark.django_db
def test_notifications_page_is_personal_and_marks_read(client_as, security_manager, outsider):
    Notification.objects.create(user=security_manager, subject="For the manager")
    Notification.objects.create(user=outsider, subject="For the outsider")
    client = client_as(outsider)
    page = client.get(reverse("isms:notification_list")).content.decode()
    assert "For the outsider" in page and "For the manager" not in page
    client.post(reverse("isms:notification_list"))
    assert Notification.objects.get(user=outsider).read_at is not None
    assert Notification.objects.get(user=security_manager).read_at is None


@pytest.mark.django_db
def test_mail_outbox_is_for_administrators(
    client_as, admin_user, security_manager, settings, tmp_path
):
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    mail.send_mail(
        "Approval requested: POL-01", "Please decide.", "isms@localhost", ["m@example.com"]
    )
    assert client_as(security_manager).get(reverse("isms:mail_outbox")).status_code == 403
    page = client_as(admin_user).get(reverse("isms:mail_outbox")).content.decode()
    assert "Approval requested: POL-01" in page and "Please decide." in page


def test_the_worker_knows_the_governance_tasks():
    from isms.celery import app

    app.loader.import_default_modules()
    assert {
        "isms.governance.tasks.reviews_daily",
        "isms.governance.tasks.send_notification_email",
    } <= set(app.tasks)


def _badge(user) -> str | None:
    """The unread count beside "Notifications" in `user`'s sidebar, if any."""
    client = Client()
    client.force_login(user)
    page = client.get(reverse("dashboard")).content.decode()
    sidebar = page.split('id="sidebar-menu"', 1)[1].split("</nav>", 1)[0]
    link = sidebar[sidebar.index(reverse("isms:notification_list")) :]
    link = link[: link.index("</a>")]
    if "badge" not in link:
        return None
    return link.split('class="badge', 1)[1].split(">", 1)[1].split("<", 1)[0]


@pytest.mark.django_db
def test_the_sidebar_counts_unread_notifications(client_as, outsider, security_manager):
    from isms.governance import notifications

    assert _badge(outsider) is None
    notifications.notify(users=[outsider, security_manager], subject="Review the scope")
    notifications.notify(users=[outsider], subject="Policy published")
    assert _badge(outsider) == "2"
    assert _badge(security_manager) == "1"

    client_as(outsider).post(reverse("isms:notification_list"))
    assert _badge(outsider) is None
    assert _badge(security_manager) == "1"


@pytest.mark.django_db
def test_the_session_user_carries_the_unread_count(client, outsider, django_assert_num_queries):
    from django.contrib.auth import get_user

    from isms.governance import notifications

    Notification.objects.create(user=outsider, subject="Unread")
    Notification.objects.create(user=outsider, subject="Read", read_at=timezone.now())
    client.force_login(outsider)
    request = type("Request", (), {"session": client.session})()
    assert request.session.keys()  # the session row, read once
    with django_assert_num_queries(1):  # the user row, count included
        user = get_user(request)
        assert notifications.unread_count(user) == 1
