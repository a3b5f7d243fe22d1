from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person using the ISMS; their role comes from the group they belong to.

    A custom user model from day one, so that later needs (two-factor, display names)
    never require swapping the model under existing data.
    """

    audit_redacted_fields = ("password",)

    # The interface language this user chose (the language switcher); empty: the
    # browser's preference, then LANGUAGE_CODE.
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )

    class Meta:
        db_table = "isms_user"
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username
