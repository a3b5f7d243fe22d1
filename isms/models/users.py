from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A person using the ISMS; their role comes from the group they belong to.

    A custom user model from day one, so that later needs (two-factor, display names)
    never require swapping the model under existing data.
    """

    audit_redacted_fields = ("password",)

    class Meta:
        db_table = "isms_user"
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username
