"""A control test concluding "not effective" puts the risks the control treats up for
review (the follow-up the risks app registers into `isms.assurance.hooks`)."""

import datetime

from django.utils import timezone

from isms.assurance import services as assurance_services
from isms.assurance.hooks import follow_ups
from isms.governance import reviews
from isms.models import AuditEvent, Control, ControlImplementation, Framework
from risks.choices import RiskStatus
from risks.models import Risk
from tests.risks.factories import make_risk

TODAY = timezone.localdate()


def test_not_effective_puts_the_treated_risks_up_for_review(
    methodology, security_manager, owner, auditor, client_as
):
    assert "risk_review" in follow_ups
    framework = Framework.objects.create(code="f-1", name="F", selected=True)
    control = Control.objects.create(framework=framework, identifier="A.9", title="Access")
    other = Control.objects.create(framework=framework, identifier="A.10", title="Other")
    implementation = ControlImplementation.objects.create(control=control, applicable=True)
    later = TODAY + datetime.timedelta(days=200)
    treated = make_risk(security_manager, owner=owner)
    treated.controls.add(control)
    closed = make_risk(security_manager, title="Old")
    closed.controls.add(control)
    untouched = make_risk(security_manager, title="Elsewhere")
    untouched.controls.add(other)
    Risk.objects.update(review_date=later)
    Risk.objects.filter(pk=closed.pk).update(status=RiskStatus.CLOSED)
    version = Risk.objects.get(pk=treated.pk).version

    test = assurance_services.control_test_save(
        user=security_manager,
        implementation=implementation,
        data={"title": "Access reviewed", "method": "observation", "tester": auditor},
    )
    result = assurance_services.result_record(
        user=auditor, test=test, data={"conclusion": "partial"}
    )
    assert Risk.objects.get(pk=treated.pk).review_date == later  # only "not effective"

    result = assurance_services.result_record(
        user=auditor, test=test, data={"conclusion": "not_effective", "remarks": "3 of 10"}
    )
    treated.refresh_from_db()
    assert (treated.review_date, treated.version) == (TODAY, version + 1)
    assert Risk.objects.get(pk=closed.pk).review_date == later
    assert Risk.objects.get(pk=untouched.pk).review_date == later
    event = AuditEvent.objects.filter(object_id=str(treated.pk)).latest("pk")
    assert "A.9 tested not effective" in event.message
    assert AuditEvent.objects.filter(
        object_id=str(result.pk), message="Not effective: follow-ups run"
    ).exists()
    # The risk is due for review: on the "Reviews due" list and the daily reminders.
    assert treated in [item.obj for item in reviews.due(TODAY)]
    page = client_as(security_manager).get("/reviews/").content.decode()
    assert treated.ref in page

    # A second not-effective result the same day moves nothing again.
    assurance_services.result_record(user=auditor, test=test, data={"conclusion": "not_effective"})
    assert Risk.objects.get(pk=treated.pk).version == version + 1
