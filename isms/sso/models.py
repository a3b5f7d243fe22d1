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


class ConfirmationCode(models.Model):
    """A one-time confirmation of a sensitive API action for a single sign-on user: made
    right after a forced fresh sign-in at the identity provider, shown once, kept here
    only as a SHA-256 hash, bound to its user, valid for REAUTH_CODE_MAX_AGE seconds and
    used up by the first action it confirms (isms.reauth)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="confirmation_codes"
    )
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    protocol = models.CharField(_("protocol"), max_length=10)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("confirmation code")
        verbose_name_plural = _("confirmation codes")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class SAMLSession(models.Model):
    """A local session opened by a SAML sign-in, with the NameID and SessionIndex the
    IdP knows it by: what an IdP-initiated LogoutRequest names, so that the sessions it
    ends can be found (isms.sso.saml.end_sessions)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saml_sessions"
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    name_id = models.CharField(_("NameID"), max_length=255)
    session_index = models.CharField(_("session index"), max_length=255, blank=True)
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SAML session")
        verbose_name_plural = _("SAML sessions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["issuer", "name_id"], name="sso_samlsession_nameid")]

    def __str__(self):
        return f"{self.name_id} {self.session_index}"
