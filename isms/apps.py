from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, using, apps=None, **kwargs):
    from django.contrib.auth.models import Group, Permission

    from isms.roles import sync_role_permissions

    sync_role_permissions(Group.objects.db_manager(using).model, Permission)


class IsmsConfig(AppConfig):
    """The governance core: users and roles, audit trail, approvals, frameworks, SoA."""

    name = "isms"
    verbose_name = "ISMS governance"

    def ready(self):
        # Later apps add models (and so permissions): re-derive the roles after migrate.
        post_migrate.connect(_sync_roles, dispatch_uid="isms_sync_roles")
