"""The one rate limiter: a fixed-window counter per key in the cache.

    DOWNLOADS = RateLimit("download", limit="DOWNLOAD_RATE_LIMIT", window="DOWNLOAD_RATE_WINDOW")
    if not DOWNLOADS.hit(f"soa:u{user.pk}"):
        ...  # 429 with Retry-After: DOWNLOADS.window

`hit()` counts one request and says whether it is still within the limit; `exceeded()`
only looks (for limits on failures: refuse once the failures reached the limit, count
a failure with `hit()` when it happens). Limits and windows are setting names, read at
each call, so that deployments and tests change them in settings. The cache is Redis in
production, shared by every process; a window starts with the first hit of a key and
lasts `window` seconds, on any cache backend.

Users of this module: downloads and exports (`isms.uploads`), failed API tokens per IP
(`isms.security_log`). Failed sign-ins are counted by django-axes
(`isms.lockout`), which keeps them in the database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class RateLimit:
    """At most settings.<limit> hits per settings.<window> seconds for each key."""

    name: str
    limit: str  # the name of the setting holding the number of hits allowed
    window: str  # the name of the setting holding the window's length in seconds

    @property
    def allowed(self) -> int:
        return getattr(settings, self.limit)

    @property
    def seconds(self) -> int:
        return getattr(settings, self.window)

    def _base(self, key: str) -> str:
        return f"isms:rate:{self.name}:{key}"

    def _counter(self, key: str, *, start: bool) -> str | None:
        """The cache key of `key`'s counter in the current window, named after the time
        the window started. The start is set once (add) and expires with the window,
        so the window is fixed whatever the backend: Django's incr() on other caches
        than Redis re-sets the value with the default timeout, which would otherwise
        stretch the window on every hit."""
        base = self._base(key)
        if start:
            began = cache.get_or_set(f"{base}:start", time.time_ns(), timeout=self.seconds)
        else:
            began = cache.get(f"{base}:start")
        return None if began is None else f"{base}:{began}"

    def count(self, key: str) -> int:
        """Hits of `key` in the current window."""
        counter = self._counter(key, start=False)
        return 0 if counter is None else cache.get(counter, 0)

    def exceeded(self, key: str) -> bool:
        """Whether `key` has used up its hits (without counting one)."""
        return self.count(key) >= self.allowed

    def hit(self, key: str) -> bool:
        """Count one hit of `key`; True while the hits are within the limit."""
        counter = self._counter(key, start=True)
        if cache.add(counter, 1, timeout=self.seconds):
            count = 1
        else:
            try:
                count = cache.incr(counter)
            except ValueError:  # expired between add() and incr()
                cache.add(counter, 1, timeout=self.seconds)
                count = 1
        return count <= self.allowed
