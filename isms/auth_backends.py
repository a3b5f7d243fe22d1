"""The authentication backend for signed-in sessions."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from isms.models import Notification


def unread_notifications():
    """The user's unread notifications, as one column of the user's own row."""
    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))


class ModelBackend(DjangoModelBackend):
    """Django's ModelBackend, loading the session's user with what every page shows.

    The sidebar shows the unread-notification count on every page. Loading it with the
    user row (an indexed sub-select) keeps it exact and costs no query of its own;
    a cached count would cost one query per cold cache and need invalidating from every
    process that notifies.
    """

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.annotate(
                unread_notifications=unread_notifications()
            ).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
