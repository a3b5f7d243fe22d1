"""Helpers of the security tests: authenticator devices, codes, captured security logs."""

import logging

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows right now."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(value).zfill(device.digits)


@pytest.fixture
def enrol():
    """enrol(user) -> a confirmed authenticator device, as after a finished enrolment."""

    def make(user):
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)

    return make


class _Collector(logging.Handler):
    def __init__(self, formatter=None):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.records: list[logging.LogRecord] = []
        self.setFormatter(formatter or logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record):
        self.records.append(record)
        self.lines.append(self.format(record))

    def events(self) -> list[str]:
        return [getattr(r, "event", "") for r in self.records if r.name == "isms.security"]


@pytest.fixture
def security_logs():
    """Every log line written during the test (all loggers), as the handler formats it;
    `.events()` lists the security events by name."""
    collector = _Collector()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(collector)
    root.setLevel(logging.DEBUG)
    yield collector
    root.removeHandler(collector)
    root.setLevel(previous)
