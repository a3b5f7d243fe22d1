from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, using, apps=None, **kwargs):
    """Re-derive the roles once per `migrate` (or test flush): post_migrate is sent once
    per app, and only at the last app's signal do every app's permissions exist (the
    auth app's receiver, connected first, creates them)."""
    from django.apps import apps as installed
    from django.contrib.auth.models import Group, Permission

    with_models = [config for config in installed.get_app_configs() if config.models_module]
    if sender is not with_models[-1]:
        return

    from isms.roles import sync_role_permissions

    sync_role_permissions(Group.objects.db_manager(using).model, Permission)


class IsmsConfig(AppConfig):
    """The governance core: users and roles, audit trail, approvals, frameworks, SoA."""

    name = "isms"
    verbose_name = "ISMS governance"

    def ready(self):
        # Later apps add models (and so permissions): re-derive the roles after migrate.
        post_migrate.connect(_sync_roles, dispatch_uid="isms_sync_roles")
        from isms.governance.setup import register_all

        register_all()  # approvable types, reviews, dashboard steps 1, 2, 8, audit pack
        from isms.frameworks.setup import register_all as register_frameworks

        register_frameworks()  # the SoA as approvable, dashboard steps 7 and 9
        from isms.navigation import register_isms_items

        register_isms_items()  # the sidebar's links to isms pages
        from django.core import checks

        from isms import approvals

        checks.register(approvals.check_quorum_setting)
        # Sign-in signals feed the security log, re-authentication and two-factor state.
        from isms import reauth, security_log  # noqa: F401
        from isms.twofactor import state  # noqa: F401
