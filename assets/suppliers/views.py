"""Pages of the supplier register, and the public page where a supplier's contact
answers an assessment through its single-use link (no account)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assets.suppliers import selectors, services
from assets.suppliers.filters import AssessmentFilterSet, SupplierFilterSet
from assets.suppliers.forms import (
    AssessmentFindingForm,
    AssessmentSendForm,
    CertificationForm,
    ConclusionForm,
    ContractForm,
    QuestionnaireForm,
    QuestionnaireImportForm,
    SupplierEditForm,
    SupplierForm,
)
from assets.suppliers.hooks import follow_ups
from assets.suppliers.models import (
    Assessment,
    AssessmentFinding,
    Certification,
    Contract,
    Questionnaire,
    Supplier,
)
from isms.forms import call_service
from isms.importing import UnreadableFile, load_document
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
    """Register a supplier on an existing partner-organisation asset (`?asset=<id>`
    preselects one) or on a new one created with it."""
    initial = {"asset": request.GET.get("asset")} if request.GET.get("asset") else None
    form = SupplierForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        name, asset = data.pop("name"), data.pop("asset")
        supplier = call_service(
            form,
            lambda: services.supplier_create(
                user=request.user, data=data, asset=asset, name=name, owner=request.user
            ),
        )
        if supplier:
            return redirect(supplier)
    return render(
        request,
        "suppliers/supplier_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@permission_required("suppliers.change_supplier", raise_exception=True)
def supplier_edit(request, pk):
    """Change the supplier's fields, e.g. override its criticality (with the reason)."""
    supplier = get_object_or_404(Supplier, pk=pk)
    # The form validates a copy: the service compares against the stored supplier.
    form = SupplierEditForm(request.POST or None, instance=Supplier.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.supplier_update(
                supplier=supplier, user=request.user, data=dict(form.cleaned_data)
            ),
        )
        if saved:
            messages.success(request, _("Supplier saved."))
            return redirect(saved)
    return render(
        request,
        "suppliers/supplier_form.html",
        {"form": form, "supplier": supplier},
        status=400 if form.errors else 200,
    )


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


def _edit_of_supplier(request, pk, record_pk, *, model, form_class, save, record, done):
    """Change a contract or certification of the supplier on its own page: the errors
    beside the fields (nothing saved), or back to the supplier once saved."""
    supplier = get_object_or_404(Supplier, pk=pk)
    obj = get_object_or_404(model, pk=record_pk, supplier=supplier)
    # The form validates a copy: the service compares against the stored record.
    form = form_class(request.POST or None, instance=model.objects.get(pk=obj.pk))
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: save(
                supplier=supplier, user=request.user, data=dict(form.cleaned_data), **{record: obj}
            ),
        )
        if saved:
            messages.success(request, done)
            return redirect(supplier)
    return render(
        request,
        "suppliers/record_form.html",
        {"form": form, "supplier": supplier, "record": obj},
        status=400 if form.errors else 200,
    )


def _delete_of_supplier(request, pk, record_pk, *, model, delete, record, done):
    """Delete a contract or certification of the supplier (the page asked for
    confirmation); back to the supplier."""
    supplier = get_object_or_404(Supplier, pk=pk)
    obj = get_object_or_404(model, pk=record_pk, supplier=supplier)
    delete(user=request.user, **{record: obj})
    messages.success(request, done % {"name": obj})
    return redirect(supplier)


@permission_required("suppliers.change_contract", raise_exception=True)
def contract_edit(request, pk, contract_pk):
    return _edit_of_supplier(
        request,
        pk,
        contract_pk,
        model=Contract,
        form_class=ContractForm,
        save=services.contract_save,
        record="contract",
        done=_("Contract saved."),
    )


@require_POST
@permission_required("suppliers.delete_contract", raise_exception=True)
def contract_delete(request, pk, contract_pk):
    return _delete_of_supplier(
        request,
        pk,
        contract_pk,
        model=Contract,
        delete=services.contract_delete,
        record="contract",
        done=_("Contract “%(name)s” deleted."),
    )


@permission_required("suppliers.change_certification", raise_exception=True)
def certification_edit(request, pk, certification_pk):
    return _edit_of_supplier(
        request,
        pk,
        certification_pk,
        model=Certification,
        form_class=CertificationForm,
        save=services.certification_save,
        record="certification",
        done=_("Certification saved."),
    )


@require_POST
@permission_required("suppliers.delete_certification", raise_exception=True)
def certification_delete(request, pk, certification_pk):
    return _delete_of_supplier(
        request,
        pk,
        certification_pk,
        model=Certification,
        delete=services.certification_delete,
        record="certification",
        done=_("Certification “%(name)s” deleted."),
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


# --- Questionnaire templates ----------------------------------------------------------


class QuestionnaireList(ObjectListView):
    """The questionnaire templates, with the JSON import."""

    queryset = Questionnaire.objects.all()
    template_name = "suppliers/questionnaire_list.html"
    permission_required = "suppliers.view_questionnaire"

    def get_context(self, request, filterset, page) -> dict:
        return {
            **super().get_context(request, filterset, page),
            "import_form": QuestionnaireImportForm(),
        }


questionnaire_list = QuestionnaireList.as_view()


@permission_required("suppliers.view_questionnaire", raise_exception=True)
def questionnaire_detail(request, pk):
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    return render(
        request,
        "suppliers/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "sections": questionnaire.content.get("sections", []),
            "assessments": questionnaire.assessments.select_related("supplier__asset"),
        },
    )


def _questionnaire_form(request, questionnaire=None):
    """Create or edit a template from the page's outline; errors shown on the form,
    nothing saved."""
    initial = {}
    if questionnaire is not None:
        initial = {
            "name": questionnaire.name,
            "description": questionnaire.description,
            "outline": services.questionnaire_outline(questionnaire.content),
        }
    form = QuestionnaireForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save():
            try:
                content = services.questionnaire_content_clean(
                    services.outline_content(data["outline"])
                )
            except ValidationError as exc:
                raise ValidationError({"outline": exc.messages}) from exc
            return services.questionnaire_save(
                user=request.user,
                questionnaire=questionnaire,
                data={"name": data["name"], "description": data["description"], "content": content},
            )

        saved = call_service(form, save)
        if saved:
            messages.success(request, _("Questionnaire saved."))
            return redirect("suppliers:questionnaire_detail", pk=saved.pk)
    return render(
        request,
        "suppliers/questionnaire_form.html",
        {"form": form, "questionnaire": questionnaire},
        status=400 if form.errors else 200,
    )


@permission_required("suppliers.add_questionnaire", raise_exception=True)
def questionnaire_create(request):
    return _questionnaire_form(request)


@permission_required("suppliers.change_questionnaire", raise_exception=True)
def questionnaire_edit(request, pk):
    return _questionnaire_form(request, get_object_or_404(Questionnaire, pk=pk))


@permission_required("suppliers.view_questionnaire", raise_exception=True)
def questionnaire_export(request, pk):
    """The template as the JSON document the import (page or API) takes."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    response = JsonResponse(
        services.questionnaire_export(questionnaire), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="questionnaire-{pk}.json"'
    return response


@require_POST
@permission_required("suppliers.add_questionnaire", raise_exception=True)
def questionnaire_import(request):
    """Create a template from an uploaded JSON document: all or nothing."""
    form = QuestionnaireImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            form.add_error("file", _("The file is too large."))
        else:
            try:
                document = load_document(upload.read(), upload.name)
            except UnreadableFile as exc:
                form.add_error("file", str(exc))
            else:
                saved = call_service(
                    form,
                    lambda: services.questionnaire_import(user=request.user, document=document),
                )
                if saved:
                    messages.success(request, _("Questionnaire imported."))
                    return redirect("suppliers:questionnaire_detail", pk=saved.pk)
    messages.error(
        request,
        _("Nothing imported: %s") % "; ".join(" ".join(e) for e in form.errors.values()),
    )
    return redirect("suppliers:questionnaire_list")


# --- The reviewer's page of an assessment ---------------------------------------------


def _raisable(user):
    """The follow-ups (risk, nonconformity) this user may raise from a finding."""
    return [f for f in follow_ups if user.has_perm(f.permission)]


class AssessmentList(ObjectListView):
    """Every supplier assessment: sent, answered, concluded or expired, newest first."""

    queryset = Assessment.objects.select_related("supplier__asset", "questionnaire").order_by("-pk")
    filterset_class = AssessmentFilterSet
    template_name = "suppliers/assessment_list.html"
    permission_required = "suppliers.view_assessment"


assessment_list = AssessmentList.as_view()


@permission_required("suppliers.view_assessment", raise_exception=True)
def assessment_detail(request, pk, conclusion_form=None, finding_form=None, status=200):
    """An answered assessment for its reviewer: the score per section, the answers,
    the conclusion, the findings and what they were raised as."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("supplier__asset", "questionnaire", "reviewer"), pk=pk
    )
    return render(
        request,
        "suppliers/assessment_detail.html",
        {
            "assessment": assessment,
            "sections": selectors.assessment_sections(assessment),
            "findings": assessment.findings.select_related("raised_type"),
            "conclusion_form": conclusion_form
            or ConclusionForm(
                initial={
                    "conclusion": assessment.conclusion,
                    "notes": assessment.conclusion_notes,
                }
            ),
            "finding_form": finding_form or AssessmentFindingForm(),
            "follow_ups": _raisable(request.user),
        },
        status=status,
    )


@require_POST
@permission_required("suppliers.change_assessment", raise_exception=True)
def assessment_conclude(request, pk):
    assessment = get_object_or_404(Assessment, pk=pk)
    form = ConclusionForm(request.POST)
    if form.is_valid() and call_service(
        form,
        lambda: services.assessment_conclude(
            assessment=assessment,
            user=request.user,
            conclusion=form.cleaned_data["conclusion"],
            notes=form.cleaned_data["notes"],
        ),
    ):
        messages.success(request, _("Conclusion recorded."))
        return redirect("suppliers:assessment_detail", pk=pk)
    return assessment_detail(request, pk, conclusion_form=form, status=400)


@require_POST
@permission_required("suppliers.add_assessmentfinding", raise_exception=True)
def assessment_finding_add(request, pk):
    assessment = get_object_or_404(Assessment, pk=pk)
    form = AssessmentFindingForm(request.POST)
    if form.is_valid() and call_service(
        form,
        lambda: services.assessment_finding_add(
            assessment=assessment, user=request.user, data=form.cleaned_data
        ),
    ):
        messages.success(request, _("Finding added."))
        return redirect("suppliers:assessment_detail", pk=pk)
    return assessment_detail(request, pk, finding_form=form, status=400)


@require_POST
@permission_required("suppliers.change_assessmentfinding", raise_exception=True)
def assessment_finding_raise(request, pk, finding_pk):
    """Turn a finding into a risk (or a nonconformity): the raised record is linked to
    the finding; the reviewer is taken to it."""
    finding = get_object_or_404(AssessmentFinding, pk=finding_pk, assessment_id=pk)
    try:
        raised = services.assessment_finding_raise(
            finding=finding, user=request.user, kind=request.POST.get("kind", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("suppliers:assessment_detail", pk=pk)
    messages.success(request, _("Raised: %s") % raised)
    return (
        redirect(raised)
        if hasattr(raised, "get_absolute_url")
        else redirect("suppliers:assessment_detail", pk=pk)
    )


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
