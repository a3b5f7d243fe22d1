"""Celery tasks of governance (thin: each calls one service, safe to run twice)."""

from celery import shared_task

from isms.governance import notifications, reviews


@shared_task(
    name="isms.governance.tasks.send_notification_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email(notification_id: int) -> None:
    """E-mail one notification (skipped if it was already sent)."""
    notifications.notification_email_send(notification_id=notification_id)


@shared_task(name="isms.governance.tasks.reviews_daily")
def reviews_daily() -> None:
    """Daily (beat): remind owners of overdue reviews, once per due date."""
    reviews.reviews_remind()
