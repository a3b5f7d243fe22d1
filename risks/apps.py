from django.apps import AppConfig


class RisksConfig(AppConfig):
    """Risk methodology, threats, vulnerabilities, the risk register and treatment."""

    name = "risks"
    verbose_name = "Risks"
