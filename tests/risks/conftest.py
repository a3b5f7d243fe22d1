import pytest

from tests.risks.factories import approved_methodology


@pytest.fixture
def methodology(security_manager, manager):
    """The 5x5 preset, drafted by the security manager and approved by management."""
    return approved_methodology(author=security_manager, approver=manager)
