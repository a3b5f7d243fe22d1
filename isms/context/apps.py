from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContextConfig(AppConfig):
    """Context of the organisation (4.1), interested parties (4.2), objectives (6.2),
    monitoring and measurement (9.1)."""

    name = "isms.context"
    label = "context"
    verbose_name = _("Context, objectives and measurement")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from isms.context import setup

        setup.register_all()
