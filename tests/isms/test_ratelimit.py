"""The one rate limiter (isms.ratelimit): a fixed window per key, limits read from
settings at each call."""

import time

import pytest
from django.core.cache import cache

from isms.ratelimit import RateLimit

LIMIT = RateLimit("test", limit="TEST_RATE_LIMIT", window="TEST_RATE_WINDOW")


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.TEST_RATE_LIMIT = 3
    settings.TEST_RATE_WINDOW = 60
    cache.clear()
    yield
    cache.clear()


def test_hits_are_allowed_up_to_the_limit_per_key():
    assert [LIMIT.hit("a") for _ in range(4)] == [True, True, True, False]
    assert LIMIT.hit("b")  # another key has its own count
    assert LIMIT.count("a") == 4 and LIMIT.count("b") == 1


def test_exceeded_looks_without_counting():
    for _ in range(3):
        assert not LIMIT.exceeded("a")
        LIMIT.hit("a")
    assert LIMIT.exceeded("a") and LIMIT.count("a") == 3


def test_limits_come_from_the_settings_at_each_call(settings):
    LIMIT.hit("a")
    settings.TEST_RATE_LIMIT = 1
    assert LIMIT.exceeded("a") and not LIMIT.hit("a")
    assert LIMIT.seconds == 60


def test_the_count_ends_with_its_window(settings):
    settings.TEST_RATE_WINDOW = 1
    assert [LIMIT.hit("a") for _ in range(4)][-1] is False
    time.sleep(1.2)
    assert LIMIT.count("a") == 0 and LIMIT.hit("a")
