"""Celery tasks of the supplier register: thin and idempotent."""

from celery import shared_task

from assets.suppliers import services


@shared_task(name="assets.suppliers.tasks.certifications_remind")
def certifications_remind() -> None:
    """Beat, daily: remind once per expiry date of certifications about to expire."""
    services.certifications_remind(user=None)


@shared_task(name="assets.suppliers.tasks.assessments_expire")
def assessments_expire() -> None:
    """Beat, daily: assessments past their link's deadline without answers become expired."""
    services.assessments_expire(user=None)
