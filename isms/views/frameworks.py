"""Pages of step 7: frameworks (choice, import) and the control browser and pages."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from isms import audit, security_log
from isms.frameworks import evidence as automated
from isms.frameworks import selectors, services, treatments
from isms.frameworks.catalogue import Catalogue, CatalogueError
from isms.frameworks.filters import ControlFilterSet
from isms.frameworks.forms import (
    CatalogueImportForm,
    ControlImplementationForm,
    EvidenceForm,
    FrameworkSelectionForm,
)
from isms.models import Control, ControlImplementation, Evidence, Framework
from isms.models.audit import AuditAction
from isms.uploads import attachment_response, download_rate_limit
from isms.views.generic import ObjectListView, page_of


@permission_required("isms.view_framework", raise_exception=True)
def framework_list(request):
    """The frameworks available, which ones the ISMS uses, and catalogue import."""
    frameworks = Framework.objects.annotate(
        active=Count("controls", filter=Q(controls__withdrawn=False)),
        withdrawn_count=Count("controls", filter=Q(controls__withdrawn=True)),
    ).order_by("-soa_basis", "-selected", "name")
    selection = FrameworkSelectionForm(
        request.POST or None,
        initial={
            "selected": [f for f in frameworks if f.selected],
            "soa_basis": next((f for f in frameworks if f.soa_basis), None),
        },
    )
    if request.method == "POST":
        if not request.user.has_perm("isms.change_framework"):
            raise PermissionDenied
        if selection.is_valid():
            try:
                services.framework_select(
                    selected=selection.cleaned_data["selected"],
                    soa_basis=selection.cleaned_data["soa_basis"],
                )
            except ValidationError as exc:
                selection.add_error(None, exc)
            else:
                messages.success(request, "Framework selection saved.")
                return redirect("isms:framework_list")
    page, _query = page_of(request, frameworks, 50)
    return render(
        request,
        "isms/frameworks/framework_list.html",
        {"page": page, "selection": selection, "import_form": CatalogueImportForm()},
    )


@permission_required("isms.add_framework", raise_exception=True)
def framework_import(request):
    """Upload a catalogue or a mapping: every problem listed, nothing imported on error."""
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        parsed = form.cleaned_data["parsed"]
        try:
            if isinstance(parsed, Catalogue):
                framework, counts = services.framework_import(catalogue=parsed)
                messages.success(
                    request,
                    f"{framework.name}: {counts['created']} controls added, "
                    f"{counts['updated']} updated, {counts['withdrawn']} withdrawn.",
                )
                return redirect("isms:framework_detail", code=framework.code)
            links = services.mapping_import(mapping=parsed)
            messages.success(request, f"Mapping imported: {links} links.")
            return redirect("isms:framework_list")
        except CatalogueError as exc:
            for problem in exc.problems:
                form.add_error("file", problem)
    return render(
        request,
        "isms/frameworks/framework_import.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


class ControlList(ObjectListView):
    """The control browser of one framework: search, filter by theme/status/applicability;
    withdrawn controls are left out unless asked for (`?withdrawn=`)."""

    filterset_class = ControlFilterSet
    template_name = "isms/frameworks/framework_detail.html"
    permission_required = "isms.view_control"

    def get_queryset(self, request):
        self.framework = get_object_or_404(Framework, code=self.kwargs["code"])
        return Control.objects.filter(framework=self.framework).select_related(
            "implementation", "implementation__owner", "group"
        )

    def filter_data(self, request):
        data = request.GET.copy()
        data.setdefault("withdrawn", "false")
        return data

    def rows(self, filterset):
        return filterset.qs.order_by("sort_order")

    def get_extra_context(self, request, filterset, page):
        themes = (
            Control.objects.filter(framework=self.framework)
            .order_by("theme")
            .values_list("theme", flat=True)
            .distinct()
        )
        # Effectiveness per control (issue 22): last test result and evidence freshness.
        from isms.assurance.selectors import evidence_freshness, latest_results

        controls = list(page)
        ids = [c.pk for c in controls]
        latest, freshness = latest_results(ids), evidence_freshness(ids)
        effectiveness = [(c, latest.get(c.pk), freshness.get(c.pk)) for c in controls]
        return {"framework": self.framework, "themes": themes, "effectiveness": effectiveness}


framework_detail = ControlList.as_view()


def _control_or_404(request, pk):
    control = get_object_or_404(
        Control.objects.select_related("framework", "group", "parent", "implementation__owner"),
        pk=pk,
    )
    if not selectors.can_view_control(request.user, control):
        raise PermissionDenied
    return control, getattr(control, "implementation", None)


def control_detail(request, pk: int):
    """A control: its implementation, evidence, treating risks, automated evidence,
    mappings to other frameworks and a link to its history."""
    control, implementation = _control_or_404(request, pk)
    mappings_out = control.mappings_out.select_related("target__framework")
    mappings_in = control.mappings_in.select_related("source__framework")
    # Related records as the viewer may see them: a control owner without a role sees
    # their own risks, not the register's, and no estate-wide check results.
    risks = treatments.for_controls([control.pk], request.user).get(control.pk, [])
    checks = automated.for_controls([control.pk], request.user).get(control.pk, [])
    context = {
        "control": control,
        "implementation": implementation,
        "evidence_items": implementation.evidence.select_related("added_by")
        if implementation
        else [],
        "control_tests": implementation.tests.prefetch_related("results__tester")
        if implementation
        else [],
        "mappings_out": mappings_out,
        "mappings_in": mappings_in,
        "risks": risks,
        "checks": checks,
        "check_totals": automated.totals(checks),
        "providers": automated.has_providers(),
        "can_edit": implementation is not None
        and services.implementation_can_edit(request.user, implementation),
        "evidence_form": EvidenceForm(),
        "content_type": ContentType.objects.get_for_model(Control),
        "impl_content_type": ContentType.objects.get_for_model(ControlImplementation),
    }
    return render(request, "isms/frameworks/control_detail.html", context)


def control_edit(request, pk: int):
    """Edit one control's applicability and implementation (security manager or owner)."""
    control, implementation = _control_or_404(request, pk)
    if implementation is None:
        raise Http404("This control is not part of a selected framework.")
    if not services.implementation_can_edit(request.user, implementation):
        raise PermissionDenied
    form = ControlImplementationForm(
        request.POST or None, instance=implementation, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        implementation.refresh_from_db()  # the form wrote into the instance; the service decides
        try:
            services.control_implementation_update(
                implementation=implementation, user=request.user, data=changes
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{control.identifier} saved.")
            return redirect("isms:control_detail", pk=control.pk)
    return render(request, "isms/frameworks/control_edit.html", {"control": control, "form": form})


@require_POST
def evidence_add(request, pk: int):
    control, implementation = _control_or_404(request, pk)
    if implementation is None:
        raise Http404
    # Who may act is decided before the form is read: a read-only role gets 403, not
    # the form's validation errors (the service checks again).
    if not services.implementation_can_edit(request.user, implementation):
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                implementation=implementation,
                user=request.user,
                title=form.cleaned_data["title"],
                url=form.cleaned_data["url"],
                upload=form.cleaned_data["file"] or None,
                kind=form.cleaned_data["kind"] or "other",
                valid_from=form.cleaned_data["valid_from"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Evidence added.")
            return redirect("isms:control_detail", pk=control.pk)
    return render(
        request,
        "isms/frameworks/evidence_form.html",
        {"control": control, "form": form},
        status=400,
    )


@download_rate_limit
def evidence_file(request, pk: int):
    """Download an uploaded evidence file (recorded in the audit trail)."""
    item = get_object_or_404(Evidence.objects.select_related("implementation__control"), pk=pk)
    _control_or_404(request, item.implementation.control_id)
    if not item.file:
        raise Http404
    audit.record(item, AuditAction.DOWNLOAD, message=f"Evidence file {item.file.name}")
    security_log.log_download(request, what="evidence", obj=item)
    return attachment_response(item.file.open("rb"), item.file.name.rsplit("/", 1)[-1])


@require_POST
def evidence_delete(request, pk: int):
    item = get_object_or_404(Evidence.objects.select_related("implementation__control"), pk=pk)
    control_pk = item.implementation.control_id
    services.evidence_delete(item=item, user=request.user)
    messages.success(request, "Evidence removed.")
    return redirect("isms:control_detail", pk=control_pk)
