from django.apps import AppConfig


class AssetsConfig(AppConfig):
    """The asset inventory and the AWS connector (assets/aws/)."""

    name = "assets"
    verbose_name = "Assets and AWS"
