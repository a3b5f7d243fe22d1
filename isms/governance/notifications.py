"""Notifications: an in-app row per user, e-mailed once by a Celery task after commit."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from isms.models import Notification
from isms.validators import CONTROL_CHARACTERS


def _url_for(target) -> str:
    if target is None:
        return ""
    if target._meta.label_lower == "isms.approvalrequest":
        return reverse("isms:approval_detail", args=[target.pk])
    get_url = getattr(target, "get_absolute_url", None)
    return get_url() if get_url else ""


def notify(*, users: Iterable, subject: str, body: str = "", target=None, url: str = ""):
    """Create one notification per user and e-mail each after the transaction commits."""
    from isms.governance.tasks import send_notification_email

    link = url or _url_for(target)
    # A subject is one line (an e-mail header): titles saved before they were checked
    # for control characters must not stop the e-mail.
    subject = " ".join(CONTROL_CHARACTERS.sub(" ", subject).split())
    rows = Notification.objects.bulk_create(
        [
            Notification(user=user, subject=subject[:200], body=body, url=link)
            for user in {u.pk: u for u in users}.values()
        ]
    )
    for row in rows:
        transaction.on_commit(lambda pk=row.pk: send_notification_email.delay(pk))
    return rows


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification unless it was already sent (idempotent); True if sent."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("user")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.user.email:
            return False
        link = ""
        if notification.url:
            link = f"\n\n{settings.SITE_URL.rstrip('/')}{notification.url}"
        send_mail(
            subject=f"[{settings.SITE_NAME}] {notification.subject}",
            message=f"{notification.body}{link}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.user.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def unread_count(user) -> int:
    """How many of `user`'s notifications are unread (the sidebar's badge). A user
    signed in by session carries the count already (`isms.auth_backends`)."""
    if not user.is_authenticated:
        return 0
    count = getattr(user, "unread_notifications", None)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return count


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark `user`'s notifications (all, or those in `ids`) as read; returns how many."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())
