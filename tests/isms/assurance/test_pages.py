"""The control-assurance pages: the tests list and its filters, a test with its results,
planning a test and recording a result (rules shown as form errors, nothing half-saved),
and what a tester without a role may do there."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from isms.assurance import services
from isms.assurance.choices import Conclusion, ControlTestMethod, ResultStatus
from isms.assurance.models import ControlTest, ControlTestResult
from isms.frameworks import services as framework_services
from isms.models import Evidence

TODAY = timezone.localdate()


def _plan(user, implementation, **data):
    return services.control_test_save(
        user=user,
        implementation=implementation,
        data={"title": "Access reviews done", "method": ControlTestMethod.OBSERVATION, **data},
    )


def _titles(response) -> list[str]:
    return [test.title for test in response.context["page"]]


def test_list_filters_and_a_constant_number_of_queries(
    implementations, security_manager, auditor, client_as, django_assert_max_num_queries
):
    late = _plan(
        security_manager,
        implementations[0],
        title="Late one",
        tester=auditor,
        next_due=TODAY - datetime.timedelta(days=3),
    )
    failing = _plan(security_manager, implementations[1], title="Failing one")
    services.result_record(
        user=security_manager, test=failing, data={"conclusion": Conclusion.NOT_EFFECTIVE}
    )
    _plan(
        security_manager,
        implementations[2],
        title="Inspected one",
        method=ControlTestMethod.INSPECTION,
        next_due=TODAY + datetime.timedelta(days=40),
    )
    client = client_as(security_manager)
    url = reverse("assurance:test_list")
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200
    assert _titles(page) == ["Late one", "Inspected one", "Failing one"]
    assert "Not effective" in page.content.decode() and "overdue" in page.content.decode()
    # One more test does not cost one more query.
    for index in range(5):
        _plan(security_manager, implementations[2], title=f"More {index}")
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200

    assert _titles(client.get(url, {"overdue": "true"})) == ["Late one"]
    assert _titles(client.get(url, {"last_conclusion": "not_effective"})) == ["Failing one"]
    assert "Failing one" not in _titles(client.get(url, {"last_conclusion": "none"}))
    assert _titles(client.get(url, {"method": "inspection"})) == ["Inspected one"]
    assert _titles(client.get(url, {"tester": auditor.pk})) == [late.title]
    assert _titles(client.get(url, {"control": "A.2"})) == ["Failing one"]
    assert _titles(client.get(url, {"implementation": implementations[1].pk})) == ["Failing one"]
    due_by = (TODAY + datetime.timedelta(days=10)).isoformat()
    assert "Inspected one" not in _titles(client.get(url, {"due_by": due_by}))


def test_plan_a_test_and_the_independence_rule_as_a_form_error(
    implementations, security_manager, owner, client_as
):
    client = client_as(security_manager)
    implementation = implementations[0]  # owned by `owner`
    form = client.get(reverse("assurance:test_create"), {"implementation": implementation.pk})
    assert form.status_code == 200
    assert form.context["form"].initial["implementation"] == implementation
    data = {
        "implementation": implementation.pk,
        "title": "Leavers removed",
        "method": "inspection",
        "sample_size": 5,
        "frequency": 3,
        "tester": owner.pk,
        "threshold": 100,
        "active": "on",
    }
    refused = client.post(reverse("assurance:test_create"), data)
    assert refused.status_code == 200
    assert "independence" in str(refused.context["form"].errors["tester"])
    assert not ControlTest.objects.exists()

    data["tester"] = security_manager.pk
    created = client.post(reverse("assurance:test_create"), data)
    test = ControlTest.objects.get()
    assert created.url == reverse("assurance:test_detail", args=[test.pk])
    assert (test.sample_size, test.frequency, test.next_due) == (5, 3, TODAY)

    data["title"] = "Leavers removed within a day"
    edited = client.post(reverse("assurance:test_edit", args=[test.pk]), data)
    assert edited.status_code == 302
    test.refresh_from_db()
    assert test.title == "Leavers removed within a day"
    # The SoA's control list and the control page link to the control's tests.
    framework = implementation.control.framework
    tests_url = f"{reverse('assurance:test_list')}?implementation={implementation.pk}"
    assert tests_url in client.get(f"/frameworks/{framework.code}/").content.decode()
    control_page = client.get(reverse("isms:control_detail", args=[implementation.control_id]))
    assert reverse("assurance:test_detail", args=[test.pk]) in control_page.content.decode()


def test_record_a_result_evidence_rule_and_new_evidence_upload(
    implementations, security_manager, outsider, client_as
):
    test = _plan(
        security_manager, implementations[1], tester=outsider, method=ControlTestMethod.INSPECTION
    )
    services.tests_open_due()
    client = client_as(outsider)  # the tester, without any role
    url = reverse("assurance:result_record", args=[test.pk])
    assert client.get(url).status_code == 200

    refused = client.post(url, {"conclusion": "effective", "evidence_kind": "other"})
    assert refused.status_code == 400
    assert "requires it" in str(refused.context["form"].errors["evidence"])
    assert not ControlTestResult.objects.filter(status=ResultStatus.DONE).exists()

    no_title = client.post(
        url,
        {
            "conclusion": "effective",
            "evidence_kind": "other",
            "evidence_file": SimpleUploadedFile("sample.txt", b"25 leavers checked\n"),
        },
    )
    assert no_title.status_code == 400
    assert "title" in str(no_title.context["form"].errors["evidence_title"])
    assert not Evidence.objects.exists()

    done = client.post(
        url,
        {
            "conclusion": "partial",
            "sample": "25 of 310 leavers",
            "remarks": "Two accounts removed late.",
            "evidence_kind": "other",
            "evidence_title": "Leavers sample",
            "evidence_file": SimpleUploadedFile("sample.txt", b"25 leavers checked\n"),
        },
    )
    assert done.status_code == 302
    result = test.results.get()
    assert (result.status, result.conclusion, result.tester) == ("done", "partial", outsider)
    item = result.evidence.get()
    assert (item.title, item.added_by, item.implementation) == (
        "Leavers sample",
        outsider,
        implementations[1],
    )
    detail = client.get(reverse("assurance:test_detail", args=[test.pk])).content.decode()
    assert "Leavers sample" in detail and "25 of 310 leavers" in detail


def test_a_tester_without_a_role_sees_and_records_only_their_tests(
    implementations, security_manager, auditor, outsider, client_as
):
    mine = _plan(security_manager, implementations[1], title="Mine", tester=outsider)
    other = _plan(security_manager, implementations[2], title="Other", tester=security_manager)
    client = client_as(outsider)
    page = client.get(reverse("assurance:test_list"))
    assert _titles(page) == ["Mine"]
    assert "Control tests assigned to you" in page.content.decode()
    assert client.get(reverse("assurance:test_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("assurance:test_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("assurance:result_record", args=[other.pk])).status_code == 404
    assert client.get(reverse("assurance:test_create")).status_code == 403
    assert client.get(reverse("assurance:test_edit", args=[mine.pk])).status_code == 403
    # The auditor reads every test but records none (not its tester).
    auditor_client = client_as(auditor)
    assert auditor_client.get(reverse("assurance:test_detail", args=[other.pk])).status_code == 200
    assert auditor_client.get(reverse("assurance:result_record", args=[mine.pk])).status_code == 403


def test_the_sidebar_links_to_the_control_tests(implementations, outsider, client_as):
    page = client_as(outsider).get(reverse("dashboard")).content.decode()
    assert reverse("assurance:test_list") in page


def test_evidence_added_by_a_tester_goes_through_the_evidence_checks(
    implementations, security_manager, outsider
):
    test = _plan(
        security_manager, implementations[1], tester=outsider, method=ControlTestMethod.INSPECTION
    )
    with pytest.raises(ValidationError):
        services.result_record(
            user=outsider,
            test=test,
            data={
                "conclusion": "effective",
                "new_evidence": {
                    "title": "Script",
                    "upload": SimpleUploadedFile("run.exe", b"MZ\x90\x00binary"),
                },
            },
        )
    assert not ControlTestResult.objects.exists() and not Evidence.objects.exists()
    # Outside a test, the tester may not add evidence to the control.
    with pytest.raises(PermissionDenied, match="may not add evidence"):
        framework_services.evidence_add(
            implementation=implementations[1], user=outsider, title="x", url="https://x.test/"
        )


def test_api_a_tester_without_a_role_records_only_their_tests(
    implementations, security_manager, outsider, owner, client_as
):
    mine = _plan(
        security_manager,
        implementations[1],
        title="Mine",
        tester=outsider,
        method=ControlTestMethod.INSPECTION,
    )
    other = _plan(security_manager, implementations[2], title="Other", tester=security_manager)
    client = client_as(outsider)
    listed = client.get("/api/control-tests/").json()["results"]
    assert [t["id"] for t in listed] == [mine.pk]
    assert client.get(f"/api/control-tests/{other.pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/control-tests/{mine.pk}/", {"title": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    not_mine = client.post(
        "/api/control-test-results/",
        {"test": other.pk, "conclusion": "effective"},
        content_type="application/json",
    )
    assert not_mine.status_code == 400 and "test" in not_mine.json()["errors"]
    no_evidence = client.post(
        "/api/control-test-results/",
        {"test": mine.pk, "conclusion": "effective"},
        content_type="application/json",
    )
    assert no_evidence.status_code == 400 and "evidence" in no_evidence.json()["errors"]
    done = client.post(
        "/api/control-test-results/",
        {
            "test": mine.pk,
            "conclusion": "effective",
            "evidence_title": "Sample",
            "evidence_file": SimpleUploadedFile("sample.txt", b"checked\n"),
        },
    )
    assert done.status_code == 201, done.json()
    assert done.json()["tester"] == outsider.pk and len(done.json()["evidence"]) == 1
    results = client.get("/api/control-test-results/").json()["results"]
    assert [r["id"] for r in results] == [done.json()["id"]]
    # Someone who tests nothing records nothing.
    refused = client_as(owner).post(
        "/api/control-test-results/",
        {"test": mine.pk, "conclusion": "effective"},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_dashboard_figures_open_the_filtered_tests_list(
    implementations, security_manager, client_as
):
    page = client_as(security_manager).get(reverse("dashboard")).content.decode()
    tests = reverse("assurance:test_list")
    assert f"{tests}?overdue=true" in page
    assert f"{tests}?last_conclusion=not_effective" in page
