from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_catalogue(sender, using, **kwargs):
    from assets.catalogue import sync_catalogue
    from assets.models import AwsService

    sync_catalogue(AwsService)


class AssetsConfig(AppConfig):
    """The asset inventory and the AWS connector (assets/aws/)."""

    name = "assets"
    verbose_name = "Assets and AWS"

    def ready(self):
        from assets import figures
        from isms import dashboard

        post_migrate.connect(_sync_catalogue, sender=self, dispatch_uid="assets_sync_catalogue")
        dashboard.register_figure(figures.dashboard_figures)
        # The security checks: automated evidence for the SoA, and their Celery tasks.
        from assets.findings import tasks as _findings_tasks  # noqa: F401
        from assets.findings.evidence import findings_by_control
        from isms.frameworks import evidence

        evidence.register_provider(findings_by_control)
        # Assets have periodic reviews (next_review_date), listed with the others.
        from assets.reviews import asset_reviews
        from isms.governance import reviews

        reviews.register(asset_reviews)
        # The estate per account and region, compared with the approved scope.
        from assets.findings.estate import estate_rows
        from isms.governance import scope_estate

        scope_estate.register(estate_rows)
        _register_navigation()
        # Computed ISMS measures (issue 14): findings figures for monitoring (9.1).
        from assets.findings import measures

        measures.register()
        # Management-review input (issue 13): monitoring results, posture and findings.
        from assets import review_inputs

        review_inputs.register()
        # Personnel assets shown on the people register (issue 14).
        from assets import people_links

        people_links.register()


def _register_navigation():
    from isms import navigation
    from isms.navigation import INVENTORY, Item

    navigation.register(Item("Assets", "assets:asset_list", "bi-box-seam", section=INVENTORY))
    navigation.register(
        Item("AWS estate", "assets:aws_account_list", "bi-cloud", section=INVENTORY)
    )
    navigation.register(
        Item(
            "Security posture",
            "assets:estate_posture",
            "bi-shield-exclamation",
            section=INVENTORY,
            permission="assets.view_finding",
        )
    )
    navigation.register(
        Item(
            "Shared responsibility",
            "assets:shared_responsibility",
            "bi-cloud-check",
            section=INVENTORY,
        )
    )
