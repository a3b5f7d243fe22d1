from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Identity(models.Model):
    """Links a local user to the subject (`sub`) an identity provider (`issuer`) knows
    them by, so a renamed or re-mailed account at the provider stays the same user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("SSO identity")
        verbose_name_plural = _("SSO identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique")
        ]
        ordering = ["issuer", "subject"]

    def __str__(self):
        return f"{self.issuer} {self.subject}"
