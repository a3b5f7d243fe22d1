"""Pages of control assurance: the control tests (all of them for the roles, one's own
for a tester without a role), a test with its result history and evidence, planning a
test (security managers) and recording a result (security managers and the test's
tester). Thin: the forms validate input, the services decide."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from isms.assurance import selectors, services
from isms.assurance.filters import ControlTestFilterSet
from isms.assurance.forms import ControlTestForm, ResultForm
from isms.assurance.models import ControlTest
from isms.forms import call_service
from isms.models import ControlImplementation
from isms.views.generic import ObjectListView


class ControlTestList(ObjectListView):
    """Control tests by due date, with the latest conclusion: every test for the roles
    that read them, the tests assigned to the user otherwise (so a tester finds theirs)."""

    filterset_class = ControlTestFilterSet
    template_name = "assurance/test_list.html"

    def get_queryset(self, request):
        return selectors.with_last_result(
            selectors.visible_tests(request.user).select_related(
                "implementation__control__framework", "tester"
            )
        ).order_by("next_due", "pk")

    def get_extra_context(self, request, filterset, page):
        return {"manager": services.can_manage(request.user), "today": timezone.localdate()}


control_test_list = ControlTestList.as_view()


def _test(request, pk) -> ControlTest:
    return get_object_or_404(
        selectors.visible_tests(request.user).select_related(
            "implementation__control__framework", "implementation__owner", "tester"
        ),
        pk=pk,
    )


def _manager(request):
    if not services.can_manage(request.user):
        raise PermissionDenied


def control_test_detail(request, pk):
    test = _test(request, pk)
    results = test.results.select_related("tester").prefetch_related("evidence")
    return render(
        request,
        "assurance/test_detail.html",
        {
            "test": test,
            "results": results,
            "manager": services.can_manage(request.user),
            "may_record": services.may_record(request.user, test),
            "today": timezone.localdate(),
        },
    )


def control_test_create(request):
    _manager(request)
    initial = {}
    implementation = request.GET.get("implementation")
    if implementation and implementation.isdigit():
        initial["implementation"] = ControlImplementation.objects.filter(pk=implementation).first()
    form = ControlTestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        test = call_service(
            form,
            lambda: services.control_test_save(
                user=request.user,
                implementation=form.cleaned_data["implementation"],
                data=form.service_data(),
            ),
        )
        if test is not None:
            messages.success(request, _("Control test planned."))
            return redirect("assurance:test_detail", pk=test.pk)
    return render(request, "assurance/test_form.html", {"form": form, "test": None})


def control_test_edit(request, pk):
    test = _test(request, pk)
    _manager(request)
    form = ControlTestForm(request.POST or None, instance=test)
    if request.method == "POST" and form.is_valid():
        test.refresh_from_db()  # the form wrote into the instance; the service decides
        saved = call_service(
            form,
            lambda: services.control_test_save(
                user=request.user, test=test, data=form.service_data()
            ),
        )
        if saved is not None:
            messages.success(request, _("Control test saved."))
            return redirect("assurance:test_detail", pk=saved.pk)
    return render(request, "assurance/test_form.html", {"form": form, "test": test})


def result_record(request, pk):
    """Record the result of a test (its open instance, or an unscheduled one)."""
    test = _test(request, pk)
    if not services.may_record(request.user, test):
        raise PermissionDenied
    manager = services.can_manage(request.user)
    form = ResultForm(request.POST or None, request.FILES or None, test=test, manager=manager)
    if request.method == "POST" and form.is_valid():
        result = call_service(
            form,
            lambda: services.result_record(user=request.user, test=test, data=form.service_data()),
        )
        if result is not None:
            messages.success(
                request,
                _("Result recorded: %(conclusion)s.")
                % {"conclusion": result.get_conclusion_display()},
            )
            return redirect("assurance:test_detail", pk=test.pk)
    return render(
        request,
        "assurance/result_form.html",
        {"form": form, "test": test},
        status=400 if form.errors else 200,
    )
