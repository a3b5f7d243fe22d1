from django.apps import AppConfig


class SsoConfig(AppConfig):
    """Single sign-on (OpenID Connect): configuration from the environment, the
    sign-in round trip, role mapping and the security log of every attempt."""

    name = "isms.sso"
    label = "sso"
    verbose_name = "Single sign-on"
    default_auto_field = "django.db.models.BigAutoField"
