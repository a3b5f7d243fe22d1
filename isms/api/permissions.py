"""API permissions: model permissions of the user's role, reading included."""

from rest_framework import permissions


class RolePermissions(permissions.DjangoModelPermissions):
    """Authenticated users only; GET needs the view permission, writes need add/change/delete.

    Views without a queryset (actions, reports) declare `required_permissions` or
    override `get_permissions`.
    """

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        required = getattr(view, "required_permissions", None)
        if required is not None:
            return request.user.has_perms(required)
        if getattr(view, "queryset", None) is None and not hasattr(view, "get_queryset"):
            return True
        return super().has_permission(request, view)
