"""The create and edit pages of the context and people registers: one view, declared per
record kind by an `Editor` (its model, its form, the service that saves it, the list to
go back to). Only those who hold the model's add/change permission (security managers)
get the form; the service validates the whole record and audits it, and its errors come
back on the form's fields through `isms.forms.call_service`.

    ISSUE = Editor(ContextIssue, ContextIssueForm, _("context issue"), "context:context_issue_list")
    path("issues/new/", editing.edit, {"editor": ISSUE}, name="context_issue_add"),
    path("issues/<int:pk>/edit/", editing.edit, {"editor": ISSUE}, name="context_issue_edit"),
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from isms.forms import call_service


def _record_save(*, user, model, data, instance):
    from isms.context import services

    return services.record_save(user=user, model=model, data=data, instance=instance)


@dataclass(frozen=True)
class Editor:
    """How one kind of record is created and edited from a page."""

    model: type
    form_class: type
    noun: str  # e.g. _("context issue"), for the page's heading
    back: str  # the list's URL name
    save: Callable = _record_save  # save(user=, model=, data=, instance=) -> the record
    edit: bool = True  # False: a record that is only ever added (e.g. a determination)

    def permission(self, action: str) -> str:
        meta = self.model._meta
        return f"{meta.app_label}.{action}_{meta.model_name}"


def can(user, model, action: str) -> bool:
    """Whether `user` may `action` ("add", "change") records of `model`."""
    meta = model._meta
    return user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}")


@login_required
def edit(request, editor: Editor, pk: int | None = None):
    """The form that creates (no `pk`) or changes a record, for those allowed to."""
    if pk is not None and not editor.edit:
        raise PermissionDenied
    if not request.user.has_perm(editor.permission("change" if pk else "add")):
        raise PermissionDenied
    instance = get_object_or_404(editor.model, pk=pk) if pk is not None else None
    initial = (
        {}
        if instance
        else {k: v for k, v in request.GET.items() if k in editor.form_class.base_fields}
    )
    form = editor.form_class(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = getattr(form, "service_data", form.cleaned_data)
        saved = call_service(
            form,
            lambda: editor.save(
                user=request.user, model=editor.model, data=data, instance=instance
            ),
        )
        if saved is not None:
            messages.success(request, _("%s saved.") % saved)
            return redirect(editor.back)
    heading = (
        _("Edit %(what)s %(record)s") % {"what": editor.noun, "record": instance}
        if instance
        else _("New %s") % editor.noun
    )
    return render(
        request,
        "context/record_form.html",
        {"form": form, "heading": heading, "back": editor.back, "instance": instance},
    )
