"""The asset list, detail, create/edit (with inline validation), delete and bulk edit.

Views are thin: they check the caller's rights (assets.permissions), validate with a
form and hand the cleaned data to a service.
"""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assets import diagram, responsibility, services
from assets import permissions as perms
from assets.filters import AssetFilterSet
from assets.forms import AssetForm, BulkEditForm, DependencyAddForm
from assets.models import Asset, AwsService
from assets.views import transfer
from isms.filters import ALL
from isms.forms import call_service
from isms.models import User
from isms.redirects import safe_next_url
from isms.views.generic import ObjectListView


def _visible_or_404(request, pk) -> Asset:
    asset = get_object_or_404(Asset.objects.select_related("owner"), pk=pk)
    if not perms.can_view_asset(request.user, asset):
        raise Http404
    return asset


def _editable_or_403(request, pk) -> Asset:
    asset = _visible_or_404(request, pk)
    if not perms.can_edit_asset(request.user, asset):
        raise PermissionDenied
    return asset


class AssetList(ObjectListView):
    """Assets with search, filters, sortable columns and keyset pagination (`?cursor=`,
    see isms/pagination.py); ?export=csv|xlsx downloads the filtered list."""

    filterset_class = AssetFilterSet
    template_name = "assets/asset_list.html"
    keyset = True
    sort_param = "ordering"
    export = transfer.EXPORT

    def has_permission(self, request):
        return perms.can_view_assets(request.user)

    def can_export(self, request):
        return perms.can_export_assets(request.user)

    def get_queryset(self, request):
        return perms.visible_assets(
            request.user,
            Asset.objects.select_related("owner").prefetch_related(
                Prefetch("aws_services", queryset=AwsService.objects.only("id", "code", "name"))
            ),
        )

    def get_extra_context(self, request, filterset, page):
        bulk_form = (
            BulkEditForm(user=request.user) if perms.can_bulk_edit_assets(request.user) else None
        )
        # One query for the users of both owner menus (filter and bulk edit).
        users = [(u.pk, str(u)) for u in User.objects.filter(is_active=True)]
        filterset.form.fields["owner"].widget.choices = [("", ALL), *users]
        if bulk_form:
            bulk_form.fields["owner"].widget.choices = [("", "---------"), *users]
        return {
            "ordering": request.GET.get("ordering", ""),
            "can_create": perms.can_create_asset(request.user),
            "can_export": perms.can_export_assets(request.user),
            "can_import": perms.can_import_assets(request.user),
            "bulk_form": bulk_form,
        }


asset_list = AssetList.as_view()


def asset_detail(request, pk: int):
    """One asset: fields, value at stake, dependency picture, what must be secured on
    AWS for it, its live AWS resources and a link to its history."""
    asset = _visible_or_404(request, pk)
    # Related assets are filtered like the list: an owner sees their own, not the names,
    # values and owners of the other assets around theirs.
    visible = perms.visible_assets(request.user)
    graph, outline = diagram.dependency_graph(
        asset, 1 if request.GET.get("graph") == "near" else 3, viewer=request.user
    )
    return render(
        request,
        "assets/asset_detail.html",
        {
            "asset": asset,
            "dependencies": asset.depends_on.filter(pk__in=visible.values("pk"))
            .select_related("owner")
            .order_by("ref"),
            "dependents": asset.dependents.filter(pk__in=visible.values("pk"))
            .select_related("owner")
            .order_by("ref"),
            "aws_services": asset.aws_services.all(),
            # ?graph=near: the asset's direct neighbourhood only (issue 20.7).
            "graph_near": request.GET.get("graph") == "near",
            "graph": graph,
            "outline": outline,
            "layers": responsibility.for_asset(asset),
            "content_type": ContentType.objects.get_for_model(Asset),
            "can_edit": perms.can_edit_asset(request.user, asset),
            "can_delete": perms.can_delete_asset(request.user, asset),
            "dependency_form": DependencyAddForm(user=request.user),
        },
    )


def _save(request, form, asset=None):
    """Run the service for a valid form; put service-level errors back on the form."""
    relations = {
        "depends_on": form.cleaned_data["depends_on"],
        "aws_services": form.cleaned_data["aws_services"],
    }
    if asset is None:
        return call_service(
            form,
            lambda: services.asset_create(
                user=request.user, data=form.service_fields(), **relations
            ),
        )
    return call_service(
        form,
        lambda: services.asset_update(
            asset=asset, user=request.user, data=form.service_fields(), **relations
        ),
    )


def asset_create(request):
    if not perms.can_create_asset(request.user):
        raise PermissionDenied
    form = AssetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        asset = _save(request, form)
        if asset is not None:
            messages.success(request, _("Asset %(ref)s created.") % {"ref": asset.ref})
            return redirect(asset)
    return render(request, "assets/asset_form.html", {"form": form, "asset": None})


def asset_edit(request, pk: int):
    asset = _editable_or_403(request, pk)
    form = AssetForm(
        request.POST or None,
        instance=asset,
        user=request.user,
        can_reassign=perms.can_reassign_asset(request.user, asset),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, asset=Asset.objects.get(pk=pk))
        if saved is not None:
            messages.success(request, _("Asset %(ref)s saved.") % {"ref": saved.ref})
            return redirect(saved)
    return render(request, "assets/asset_form.html", {"form": form, "asset": asset})


@require_POST
def asset_validate(request, pk: int | None = None):
    """htmx: validate the whole form, answer with the one field that changed (its
    widget and the error beside it), so the user sees mistakes as they type."""
    if pk is None:
        if not perms.can_create_asset(request.user):
            raise PermissionDenied
        form = AssetForm(request.POST, user=request.user)
    else:
        asset = _editable_or_403(request, pk)
        form = AssetForm(
            request.POST,
            instance=asset,
            user=request.user,
            can_reassign=perms.can_reassign_asset(request.user, asset),
        )
    name = request.POST.get("_field", "")
    if name not in form.fields:
        raise Http404
    form.is_valid()
    return render(request, "forms/field.html", {"field": form[name]})


def asset_delete(request, pk: int):
    """Confirm page listing what depends on the asset; deleting something in use needs
    the explicit confirmation box, and the page says what will be unlinked."""
    asset = _visible_or_404(request, pk)
    if not perms.can_delete_asset(request.user, asset):
        raise PermissionDenied
    blockers = services.asset_delete_blockers(asset=asset)
    in_use = bool(blockers["dependents"] or blockers["others"])
    error = ""
    if request.method == "POST":
        confirmed = request.POST.get("confirm_in_use") == "on"
        try:
            services.asset_delete(asset=asset, user=request.user, force=confirmed)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Asset %(ref)s deleted.") % {"ref": asset.ref})
            return redirect("assets:asset_list")
    return render(
        request,
        "assets/asset_confirm_delete.html",
        {"asset": asset, "blockers": blockers, "in_use": in_use, "error": error},
        status=400 if error else 200,
    )


@require_POST
def asset_bulk_edit(request):
    """Set the owner and/or review interval of the assets ticked on the list page."""
    if not perms.can_bulk_edit_assets(request.user):
        raise PermissionDenied
    form = BulkEditForm(request.POST, user=request.user)
    if form.is_valid():
        count = services.asset_bulk_update(
            assets=form.cleaned_data["pk"], user=request.user, data=form.changes()
        )
        messages.success(request, _("%(count)s asset(s) updated.") % {"count": count})
    else:
        errors = [m for messages_ in form.errors.values() for m in messages_]
        if "pk" in form.errors:
            errors = ["Tick at least one asset."]
        messages.error(request, _("Nothing changed: %(errors)s") % {"errors": " ".join(errors)})
    return redirect(safe_next_url(request, "assets:asset_list"))


@require_POST
def asset_dependency_add(request, pk: int):
    asset = _editable_or_403(request, pk)
    form = DependencyAddForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.asset_dependency_add(
                dependent=asset, dependency=form.cleaned_data["ref"], user=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(ref)s now depends on %(dependency)s.")
                % {"ref": asset.ref, "dependency": form.cleaned_data["ref"].ref},
            )
    else:
        messages.error(request, " ".join(form.errors["ref"]))
    return redirect(asset)


@require_POST
def asset_dependency_remove(request, pk: int, dependency_pk: int):
    asset = _editable_or_403(request, pk)
    dependency = get_object_or_404(perms.visible_assets(request.user), pk=dependency_pk)
    services.asset_dependency_remove(dependent=asset, dependency=dependency, user=request.user)
    messages.success(
        request,
        _("%(ref)s no longer depends on %(dependency)s.")
        % {"ref": asset.ref, "dependency": dependency.ref},
    )
    return redirect(asset)


@require_POST
def asset_review(request, pk: int):
    asset = _editable_or_403(request, pk)
    asset = services.asset_mark_reviewed(asset=asset, user=request.user)
    messages.success(
        request, _("Review recorded; next review due %(date)s.") % {"date": asset.next_review_date}
    )
    return redirect(asset)
