from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    """Running the ISMS (ISO/IEC 27001 clauses 9.2, 9.3 and 10): the clauses 4-10
    catalogue, the internal audit programme and its audits, nonconformities and
    corrective action, and the management review."""

    name = "isms.audits"
    label = "audits"
    verbose_name = _("Internal audit, nonconformities and management review")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from isms.audits import setup

        setup.register_all()
