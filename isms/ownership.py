"""The one rule for handing an owned record (an asset, a control implementation) to
another owner, used by every app and every path (pages, API, bulk edits).

An owner keeps their own records current but cannot give them away: that would let
them move accountability (and the approval and review duties that come with it) onto
someone who never agreed. Only those who edit every record of the kind (the model's
`change` permission: security managers, administrators) choose a record's owner.
"""

from django.core.exceptions import ValidationError

REFUSED = "Only a security manager changes the owner."


def change_permission(model) -> str:
    """`app_label.change_<model>` of a model class or instance."""
    meta = model._meta
    return f"{meta.app_label}.change_{meta.model_name}"


def may_transfer(user, record) -> bool:
    """Whether `user` may change `record`'s owner (any user to any other, or to none)."""
    return bool(user and user.is_authenticated and user.has_perm(change_permission(record)))


def check_transfer(user, record, new_owner, *, field: str = "owner") -> None:
    """Refuse (ValidationError on `field`) a change of `record`'s owner to `new_owner` by
    a user who may not transfer it; keeping the same owner is always allowed."""
    current = getattr(record, f"{field}_id", None)
    wanted = getattr(new_owner, "pk", new_owner)
    if record.pk is not None and wanted != current and not may_transfer(user, record):
        raise ValidationError({field: REFUSED})
