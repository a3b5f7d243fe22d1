"""The roles of the ISMS and the model permissions each one has.

Roles are Django groups. Their permissions are computed by rule from every model of
the ISMS apps, so a model added by a later feature is covered without a hand edit:
`sync_role_permissions()` runs in the data migration that creates the groups and after
every `migrate` (post_migrate).

- Security manager: view, add, change and delete everything in the ISMS apps,
  except approving, the audit trail and user accounts.
- Management: view everything; custom `approve_*` and `accept_*` permissions.
- Auditor: view everything; custom `export_*` and `download_*` permissions.
Owners of assets and risks edit their own records through object checks in the
feature apps, not through these model permissions. Administrators are superusers.
"""

from django.db.models import Q

SECURITY_MANAGER = "Security manager"
MANAGEMENT = "Management"
AUDITOR = "Auditor"
ROLES = (SECURITY_MANAGER, MANAGEMENT, AUDITOR)

PACKAGES = ("isms", "assets", "risks")


def isms_app_labels() -> tuple[str, ...]:
    """The labels of the product's apps: the three packages and every app inside them
    (`isms.audits`, `assets.suppliers`, `risks.incidents`...), found among the installed
    apps so that a new register needs no list to be edited."""
    from django.apps import apps

    return tuple(
        config.label
        for config in apps.get_app_configs()
        if config.name in PACKAGES or config.name.startswith(tuple(f"{p}." for p in PACKAGES))
    )


# Models that no role edits through model permissions.
PROTECTED_MODELS = {
    ("isms", "user"),
    ("isms", "auditevent"),
    ("isms", "apitoken"),
    ("isms", "heartbeat"),
}
DECISION_PREFIXES = ("approve_", "accept_", "decide_")
READ_PREFIXES = ("view_", "export_", "download_")


def wants(role: str, app_label: str, model: str, codename: str) -> bool:
    """Whether `role` holds the permission `app_label.codename` on `model`."""
    if app_label not in isms_app_labels():
        return False
    return _holds(role, app_label, model, codename)


def _holds(role: str, app_label: str, model: str, codename: str) -> bool:
    """`wants` for a permission already known to belong to an ISMS app."""
    if codename.startswith(READ_PREFIXES):
        # Every role reads and downloads everything, but nobody lists others' tokens.
        return (app_label, model) != ("isms", "apitoken")
    if role == MANAGEMENT:
        return codename.startswith(DECISION_PREFIXES)
    if role == SECURITY_MANAGER:
        if (app_label, model) in PROTECTED_MODELS:
            return False
        return not codename.startswith(DECISION_PREFIXES)
    return False


def sync_role_permissions(group_model, permission_model) -> None:
    """Create the role groups and set each one's permissions to exactly what `wants` says."""
    perms = list(
        permission_model.objects.filter(content_type__app_label__in=isms_app_labels())
        .filter(~Q(codename=""))
        .select_related("content_type")
    )
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.set(
            [
                p
                for p in perms
                if _holds(role, p.content_type.app_label, p.content_type.model, p.codename)
            ]
        )


def roles_of(user) -> list[str]:
    """The role names of `user`, in the order of ROLES."""
    if user is None or not user.is_authenticated:
        return []
    names = {g.name for g in user.groups.all()}
    result = [role for role in ROLES if role in names]
    if user.is_superuser:
        result.append("Administrator")
    return result


def has_role(user, role: str) -> bool:
    return user.is_authenticated and user.groups.filter(name=role).exists()
