"""Control tests, results, scheduling, automated tests, the evidence lifecycle, the
summary for the dashboard and management review, and the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from isms.assurance import selectors, services
from isms.assurance.choices import Conclusion, ControlTestMethod, ResultStatus
from isms.assurance.models import ControlTest, ControlTestResult
from isms.frameworks import services as framework_services
from isms.frameworks.soa import soa_rows_build
from isms.models import Evidence, Notification

TODAY = timezone.localdate()


def _test(user, implementation, **data):
    return services.control_test_save(
        user=user,
        implementation=implementation,
        data={"title": "Access reviews done", "method": ControlTestMethod.INSPECTION, **data},
    )


def _evidence(user, implementation, **kwargs):
    return framework_services.evidence_add(
        implementation=implementation,
        user=user,
        title="Review record",
        upload=SimpleUploadedFile("r.txt", b"reviewed\n"),
        **kwargs,
    )


def test_due_tests_open_once_remind_and_conclude(implementations, security_manager, auditor):
    test = _test(security_manager, implementations[0], tester=auditor, frequency=3)
    assert services.tests_open_due() == 1
    assert services.tests_open_due() == 0  # idempotent: one open instance per test
    open_result = test.results.get()
    assert open_result.status == ResultStatus.OPEN
    assert Notification.objects.filter(user=auditor, subject__contains="due").count() == 1

    item = _evidence(security_manager, implementations[0])
    result = services.result_record(
        user=auditor,
        test=test,
        data={"conclusion": Conclusion.EFFECTIVE, "sample": "25 of 300", "evidence": [item]},
    )
    assert result.pk == open_result.pk and result.status == ResultStatus.DONE
    test.refresh_from_db()
    assert test.next_due == services.add_months(TODAY, 3)
    assert services.tests_open_due() == 0
    summary = selectors.assurance_summary()
    assert "A.1" not in summary.never_tested and "A.2" in summary.never_tested


def test_bad_input_is_refused_with_nothing_saved(implementations, security_manager, owner, auditor):
    with pytest.raises(ValidationError) as error:
        _test(security_manager, implementations[0], tester=owner)
    assert "tester" in error.value.message_dict
    assert not ControlTest.objects.exists()

    test = _test(security_manager, implementations[0], tester=auditor)
    with pytest.raises(ValidationError) as error:
        services.result_record(user=auditor, test=test, data={"conclusion": "effective"})
    assert "evidence" in error.value.message_dict
    other = _evidence(security_manager, implementations[1])
    with pytest.raises(ValidationError):
        services.result_record(
            user=auditor, test=test, data={"conclusion": "effective", "evidence": [other]}
        )
    with pytest.raises(ValidationError):
        services.result_record(
            user=security_manager,
            test=test,
            data={"conclusion": "effective", "tester": owner, "evidence": []},
        )
    with pytest.raises(ValidationError) as error:
        _evidence(
            security_manager,
            implementations[0],
            valid_from=TODAY,
            valid_until=TODAY - datetime.timedelta(days=1),
        )
    assert "valid_until" in error.value.message_dict
    assert not ControlTestResult.objects.exists()
    assert Evidence.objects.count() == 1


def test_not_effective_notifies_owner_and_counts(implementations, security_manager, owner):
    test = _test(security_manager, implementations[0], method=ControlTestMethod.OBSERVATION)
    services.result_record(
        user=security_manager, test=test, data={"conclusion": Conclusion.NOT_EFFECTIVE}
    )
    assert Notification.objects.filter(user=owner, subject__contains="not effective").exists()
    assert selectors.assurance_summary().not_effective == ["A.1"]


def test_not_effective_raises_one_nonconformity_against_the_control(
    implementations, security_manager
):
    from isms.audits.models import Nonconformity, Origin

    test = _test(security_manager, implementations[0], method=ControlTestMethod.OBSERVATION)
    result = services.result_record(
        user=security_manager,
        test=test,
        data={"conclusion": Conclusion.NOT_EFFECTIVE, "remarks": "Two leavers still active."},
    )
    nc = Nonconformity.objects.get()
    assert (nc.origin, nc.severity, nc.requirement_id) == (
        Origin.CONTROL_TEST,
        "minor",
        implementations[0].control_id,
    )
    assert (nc.source_type.model_class(), nc.source_id) == (ControlTestResult, str(result.pk))
    assert nc.description == "Two leavers still active."
    # An effective result raises nothing; the same result is never raised twice.
    services.result_record(
        user=security_manager, test=test, data={"conclusion": Conclusion.EFFECTIVE}
    )
    from isms.audits.assurance_follow_up import raise_nc

    assert raise_nc(result=result, user=security_manager) == nc.ref
    assert Nonconformity.objects.count() == 1


def test_automated_tests_from_checks_keep_history(
    implementations, security_manager, check_provider, django_assert_max_num_queries
):
    first, second = implementations[0], implementations[1]
    a = _test(security_manager, first, method=ControlTestMethod.AUTOMATED, threshold=90)
    b = _test(security_manager, second, method=ControlTestMethod.AUTOMATED, threshold=90)
    check_provider({first.control_id: (95, 5), second.control_id: (10, 90)})
    assert services.tests_open_due() == 0  # automated tests are not opened by hand
    assert services.automated_evaluate(today=TODAY - datetime.timedelta(days=1)) == 2
    assert services.automated_evaluate() == 2
    assert services.automated_evaluate() == 2  # same day: updated, not duplicated
    assert a.results.count() == 2 and b.results.count() == 2
    latest = selectors.latest_results([first.control_id, second.control_id])
    assert latest[first.control_id].conclusion == Conclusion.EFFECTIVE
    assert latest[first.control_id].pass_rate == 95.0
    assert latest[second.control_id].conclusion == Conclusion.NOT_EFFECTIVE


def test_evidence_lifecycle_validity_state_soa_and_reminders(
    implementations, security_manager, owner
):
    impl = implementations[0]
    impl.evidence_validity_days = 10
    impl.save()
    soon = _evidence(security_manager, impl)  # per control: 10 days
    assert soon.valid_until == TODAY + datetime.timedelta(days=10)
    assert soon.state == "expiring"
    old = _evidence(
        security_manager,
        impl,
        valid_from=TODAY - datetime.timedelta(days=400),
        valid_until=TODAY - datetime.timedelta(days=35),
    )
    assert old.state == "expired"
    report = _evidence(security_manager, implementations[1], kind="report")  # per kind
    assert report.valid_until == TODAY + datetime.timedelta(days=365)
    assert report.state == "current"
    rows = {row["identifier"]: row for row in soa_rows_build(impl.control.framework)}
    assert rows["A.1"]["evidence"] == "Attached: Review record"  # one, the expired one gone
    assert services.evidence_remind_expiring() == 1
    assert services.evidence_remind_expiring() == 0
    assert Notification.objects.filter(user=owner, subject__contains="expiring").exists()
    assert selectors.assurance_summary().expired_evidence == ["A.1"]
    freshness = selectors.evidence_freshness([impl.control_id])
    assert freshness[impl.control_id] == {"current": 0, "expiring": 1, "expired": 1}


def test_api_tests_results_and_evidence(implementations, security_manager, auditor, client_as):
    client = client_as(security_manager)
    response = client.post(
        "/api/control-tests/",
        {
            "implementation": implementations[1].pk,
            "title": "Backups restored",
            "method": "reperformance",
            "sample_size": 2,
            "frequency": 6,
            "tester": auditor.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    test_id = response.json()["id"]
    bad = client.post(
        "/api/control-tests/",
        {
            "implementation": implementations[0].pk,
            "title": "x",
            "method": "inspection",
            "tester": implementations[0].owner_id,
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "tester" in bad.json()["errors"]
    no_evidence = client_as(auditor).post(
        "/api/control-test-results/",
        {"test": test_id, "conclusion": "effective"},
        content_type="application/json",
    )
    # The auditor is this test's tester: it may record, but a re-performance needs evidence.
    assert no_evidence.status_code == 400 and "evidence" in no_evidence.json()["errors"]
    item = _evidence(security_manager, implementations[1])
    client = client_as(security_manager)  # one client: signing in again switches the user
    done = client.post(
        "/api/control-test-results/",
        {"test": test_id, "conclusion": "partial", "evidence": [item.pk], "sample": "2 restores"},
        content_type="application/json",
    )
    assert done.status_code == 201, done.json()
    assert done.json()["conclusion"] == "partial"
    body = client_as(auditor).get("/api/evidence/", {"state": "current"}).json()
    assert [e["id"] for e in body["results"]] == [item.pk]
    assert body["results"][0]["state"] == "current"
    assert client_as(auditor).get("/api/control-test-results/").json()["results"][0]["id"]


def test_pages_show_last_test_and_evidence_state(implementations, security_manager, client_as):
    impl = implementations[2]
    test = _test(security_manager, impl, method=ControlTestMethod.OBSERVATION)
    services.result_record(user=security_manager, test=test, data={"conclusion": "partial"})
    _evidence(security_manager, impl, valid_until=TODAY + datetime.timedelta(days=5))
    client = client_as(security_manager)
    browser = client.get(f"/frameworks/{impl.control.framework.code}/").content.decode()
    assert "Partially effective" in browser and "Never tested" in browser
    assert "1 expiring" in browser
    detail = client.get(f"/controls/{impl.control_id}/").content.decode()
    assert "Access reviews done" in detail and "Expiring" in detail


def test_benchmark_1000_due_tests_and_10000_resources_within_5_seconds(db, check_provider):
    import time

    from isms.models import Control, ControlImplementation, Framework

    framework = Framework.objects.create(code="bench", name="Bench")
    controls = Control.objects.bulk_create(
        Control(framework=framework, identifier=f"B.{i}", title="b", sort_order=i)
        for i in range(1000)
    )
    impls = ControlImplementation.objects.bulk_create(
        ControlImplementation(control=c, applicable=True) for c in controls
    )
    ControlTest.objects.bulk_create(
        ControlTest(
            implementation=impl,
            title="t",
            method=ControlTestMethod.AUTOMATED if i % 2 else ControlTestMethod.INSPECTION,
            next_due=TODAY,
        )
        for i, impl in enumerate(impls)
    )
    # 500 automated controls x 20 resources = 10,000 resources evaluated.
    check_provider({c.pk: (18, 2) for i, c in enumerate(controls) if i % 2})
    started = time.monotonic()
    assert services.tests_open_due() == 500
    assert services.automated_evaluate() == 500
    assert time.monotonic() - started < 5


def test_evidence_form_sets_validity_and_refuses_an_end_before_the_start(
    implementations, security_manager, client_as
):
    impl = implementations[1]
    client = client_as(security_manager)
    url = f"/controls/{impl.control_id}/evidence/"
    bad = client.post(
        url,
        {
            "title": "Pen test report",
            "url": "https://example.com/r",
            "valid_from": "2026-06-01",
            "valid_until": "2026-05-01",
        },
    )
    assert bad.status_code == 400 and not Evidence.objects.exists()
    assert "ends before it starts" in bad.content.decode()
    client.post(url, {"title": "Pen test report", "url": "https://example.com/r", "kind": "report"})
    assert Evidence.objects.get().valid_until == TODAY + datetime.timedelta(days=365)


def test_audit_pack_has_test_results_and_evidence_validity(implementations, security_manager):
    import io
    import zipfile

    from isms.governance.audit_pack import audit_pack_build

    impl = implementations[1]
    item = _evidence(security_manager, impl, valid_until=TODAY + datetime.timedelta(days=3))
    test = _test(security_manager, impl)
    services.result_record(
        user=security_manager, test=test, data={"conclusion": "effective", "evidence": [item]}
    )
    _, data = audit_pack_build(user=security_manager)
    pack = zipfile.ZipFile(io.BytesIO(data))
    results = pack.read("10-evidence/control-test-results.csv").decode()
    assert "Access reviews done" in results and "Effective" in results
    index = pack.read("10-evidence/evidence-index.csv").decode()
    assert "expires on" in index and "Expiring" in index
