from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    """Control tests and results, scheduling, automated tests from the checks."""

    name = "isms.assurance"
    label = "assurance"
    verbose_name = "Control assurance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from isms.assurance import setup

        setup.register_all()
