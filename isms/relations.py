"""Object-level authorisation on relations (OWASP ASVS V8.2.2).

A field that names other records (an asset's dependencies, a risk's assets, the AWS
resource to link) accepts only the records the requesting user may see. Each app keeps
one visibility function per model, `visible(user, queryset) -> queryset`
(`assets.permissions.visible_assets`, `assets.permissions.visible_resources`,
`risks.selectors.visible_risks`, ...); the fields below narrow their queryset with it, so
that a record that does not exist and a record the user may not see get the same
answer, and the answer names only what the user sent.

`isms` imports neither `assets` nor `risks`: the apps pass their visibility function in.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

Visibility = Callable[[Any, QuerySet], QuerySet]


def narrow(visible: Visibility, user, queryset: QuerySet) -> QuerySet:
    """`queryset` limited to what `user` may see (nothing without a signed-in user)."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    return visible(user, queryset)


class VisiblePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A `PrimaryKeyRelatedField` whose choices are the records the requesting user may
    see: an id outside them is refused exactly like an id that does not exist.

        depends_on = VisiblePrimaryKeyRelatedField(
            many=True, queryset=Asset.objects.all(), visible=visible_assets
        )
    """

    def __init__(self, *, visible: Visibility, **kwargs):
        self.visible = visible
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return narrow(self.visible, getattr(request, "user", None), super().get_queryset())


def limit_choices(form, user, **visibility: Visibility) -> None:
    """Narrow the querysets of `form`'s model choice fields to what `user` may see, e.g.
    `limit_choices(self, user, resource=visible_resources)`; a choice outside them gets
    the field's usual "not one of the available choices"."""
    for name, visible in visibility.items():
        field = form.fields.get(name)
        if field is not None:
            field.queryset = narrow(visible, user, field.queryset)
