"""Step 4: the threat and vulnerability catalogues."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

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


def catalogue_list(request, kind):
    model, filterset_class, _form, title, singular = _kind(kind)
    if not request.user.has_perm(f"risks.view_{model._meta.model_name}"):
        return _forbidden()
    filterset = filterset_class(request.GET, queryset=model.objects.all())
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "risks/catalogue_list.html",
        {
            "kind": kind,
            "title": title,
            "singular": singular,
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_add": request.user.has_perm(f"risks.add_{model._meta.model_name}"),
            "can_change": request.user.has_perm(f"risks.change_{model._meta.model_name}"),
        },
    )


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
