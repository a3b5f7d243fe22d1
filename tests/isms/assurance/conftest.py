"""Fixtures of the control-assurance tests: a small framework with implementations."""

import pytest

from isms.frameworks import evidence
from isms.models import Control, ControlImplementation, Framework


@pytest.fixture
def implementations(db, owner):
    """Three applicable implementations of a tiny framework; the first owned by `owner`."""
    framework = Framework.objects.create(code="t-1", name="Test framework", selected=True)
    result = []
    for index in range(3):
        control = Control.objects.create(
            framework=framework,
            identifier=f"A.{index + 1}",
            title=f"Control {index}",
            sort_order=index,
        )
        result.append(
            ControlImplementation.objects.create(
                control=control, applicable=True, owner=owner if index == 0 else None
            )
        )
    return result


@pytest.fixture
def check_provider():
    """register({control pk: (passed, failed)}) installs an automated-evidence provider, as
    the AWS connector does."""

    def register(results: dict):
        def provider(control_ids, viewer=None):
            return {
                pk: [evidence.CheckEvidence(check="s3-encryption", passed=p, failed=f)]
                for pk, (p, f) in results.items()
                if pk in control_ids
            }

        return evidence.providers.register(provider)

    with evidence.providers.override():
        yield register
