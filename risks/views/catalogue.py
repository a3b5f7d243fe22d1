"""Step 4: the threat and vulnerability catalogues."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from isms.views.generic import ObjectListView
from risks import services
from risks.filters import ThreatFilterSet, VulnerabilityFilterSet
from risks.forms import ThreatForm, VulnerabilityForm
from risks.models import Threat, Vulnerability

KINDS = {
    "threats": (Threat, ThreatFilterSet, ThreatForm, "Threats", "threat"),
    "vulnerabilities": (
        Vulnerability,
        VulnerabilityFilterSet,
        VulnerabilityForm,
        "Vulnerabilities",
        "vulnerability",
    ),
}


def _kind(kind):
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


class CatalogueList(ObjectListView):
    """The threat or vulnerability catalogue (`kind` in the URL), searchable."""

    template_name = "risks/catalogue_list.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.model, self.filterset_class, _form, self.title, self.singular = _kind(kwargs["kind"])

    def has_permission(self, request):
        return request.user.has_perm(f"risks.view_{self.model._meta.model_name}")

    def get_queryset(self, request):
        return self.model.objects.all()

    def get_extra_context(self, request, filterset, page):
        name = self.model._meta.model_name
        return {
            "kind": self.kwargs["kind"],
            "title": self.title,
            "singular": self.singular,
            "can_add": request.user.has_perm(f"risks.add_{name}"),
            "can_change": request.user.has_perm(f"risks.change_{name}"),
        }


catalogue_list = CatalogueList.as_view()


def _forbidden():
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def catalogue_edit(request, kind, pk=None):
    model, _filterset, form_class, title, singular = _kind(kind)
    action = "change" if pk else "add"
    if not request.user.has_perm(f"risks.{action}_{model._meta.model_name}"):
        return _forbidden()
    instance = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        entry = services.catalogue_entry_save(instance=form.save(commit=False), user=request.user)
        messages.success(request, f"{entry} saved.")
        return redirect("risks:catalogue", kind)
    return render(
        request,
        "risks/catalogue_form.html",
        {"form": form, "kind": kind, "title": title, "singular": singular, "instance": instance},
    )
