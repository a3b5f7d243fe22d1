"""Pages of the supplier register, and the public page where a supplier's contact
answers an assessment through its single-use link (no account)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assets.suppliers import selectors, services
from assets.suppliers.filters import SupplierFilterSet
from assets.suppliers.forms import (
    AssessmentSendForm,
    CertificationForm,
    ContractForm,
    SupplierForm,
)
from assets.suppliers.models import Assessment, Supplier
from isms.forms import call_service
from isms.ratelimit import RateLimit
from isms.views.generic import Export, ObjectListView

ANSWER_LIMIT = RateLimit(
    "supplier-answer", limit="SUPPLIER_LINK_RATE_LIMIT", window="SUPPLIER_LINK_RATE_WINDOW"
)


class SupplierList(ObjectListView):
    """The supplier register."""

    queryset = Supplier.objects.select_related("asset")
    filterset_class = SupplierFilterSet
    template_name = "suppliers/supplier_list.html"
    permission_required = "suppliers.view_supplier"
    export = Export(
        title="Supplier register",
        filename="suppliers-{date}",
        what="suppliers",
        permission="suppliers.export_supplier",
        header=selectors.REGISTER_HEADER,
        rows=selectors.register_rows,
    )


supplier_list = SupplierList.as_view()


@permission_required("suppliers.view_supplier", raise_exception=True)
def supplier_detail(request, pk):
    supplier = get_object_or_404(selectors.suppliers(), pk=pk)
    return render(
        request,
        "suppliers/supplier_detail.html",
        {
            "supplier": supplier,
            "value_at_stake": selectors.value_at_stake(supplier),
            "contracts": supplier.contracts.all(),
            "certifications": supplier.certifications.all(),
            "assessments": supplier.assessments.all(),
            "layers": selectors.aws_layers() if supplier.is_aws else [],
            "contract_form": ContractForm(),
            "certification_form": CertificationForm(),
            "send_form": AssessmentSendForm(initial={"contact_email": supplier.contact_email}),
        },
    )


@permission_required("suppliers.add_supplier", raise_exception=True)
def supplier_create(request):
    form = SupplierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        name = data.pop("name")
        supplier = call_service(
            form,
            lambda: services.supplier_create(
                user=request.user, data=data, name=name, owner=request.user
            ),
        )
        if supplier:
            return redirect(supplier)
    return render(request, "suppliers/supplier_form.html", {"form": form})


def _add_to_supplier(request, pk, form_class, save, done):
    """A contract or certification posted from the supplier's page: saved through its
    service, or its errors shown; back to the supplier either way."""
    supplier = get_object_or_404(Supplier, pk=pk)
    form = form_class(request.POST)
    if form.is_valid() and call_service(
        form, lambda: save(supplier=supplier, user=request.user, data=form.cleaned_data)
    ):
        messages.success(request, done)
    else:
        messages.error(request, "; ".join(" ".join(e) for e in form.errors.values()))
    return redirect(supplier)


@require_POST
@permission_required("suppliers.add_contract", raise_exception=True)
def contract_add(request, pk):
    return _add_to_supplier(request, pk, ContractForm, services.contract_save, _("Contract added."))


@require_POST
@permission_required("suppliers.add_certification", raise_exception=True)
def certification_add(request, pk):
    return _add_to_supplier(
        request, pk, CertificationForm, services.certification_save, _("Certification added.")
    )


@require_POST
@permission_required("suppliers.add_assessment", raise_exception=True)
def assessment_send(request, pk):
    """Send a questionnaire: the link is shown once, in the confirmation message."""
    supplier = get_object_or_404(Supplier, pk=pk)
    form = AssessmentSendForm(request.POST)
    if form.is_valid():
        assessment, token = services.assessment_send(
            supplier=supplier,
            questionnaire=form.cleaned_data["questionnaire"],
            contact_email=form.cleaned_data["contact_email"],
            user=request.user,
        )
        messages.success(
            request,
            _("%(ref)s sent. Give this link to %(email)s; it is shown only now: %(link)s")
            % {
                "ref": assessment.ref,
                "email": assessment.contact_email,
                "link": services.link_url(token),
            },
        )
    else:
        messages.error(request, "; ".join(" ".join(e) for e in form.errors.values()))
    return redirect(supplier)


def _gone(request):
    """The one answer for a link that is unknown, expired or already used: it tells
    nothing about which."""
    return render(request, "suppliers/answer_gone.html", status=410)


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@login_not_required
@never_cache
def supplier_answer(request, token):
    """The supplier contact's page: the questionnaire of one assessment, and nothing
    else. Rate-limited per IP; answered once; 410 when expired, used or unknown."""
    if not ANSWER_LIMIT.hit(_client_ip(request)):
        return HttpResponse(_("Too many requests."), status=429, content_type="text/plain")
    assessment = services.assessment_by_token(token)
    if assessment is None:
        return _gone(request)
    errors = {}
    if request.method == "POST":
        try:
            services.assessment_answer(token=token, answers=request.POST.dict())
        except Assessment.DoesNotExist:
            return _gone(request)
        except ValidationError as exc:
            errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
        else:
            return render(request, "suppliers/answer_done.html")
    elif request.method != "GET":
        return HttpResponse(status=405)
    return render(
        request,
        "suppliers/answer_form.html",
        {
            "supplier_name": assessment.supplier.asset.name,
            "sections": assessment.content.get("sections", []),
            "expires_at": assessment.expires_at,
            "errors": errors,
            "values": request.POST if request.method == "POST" else {},
            "yes_no": [("yes", _("Yes")), ("no", _("No"))],
        },
        status=400 if errors else 200,
    )
