"""One registry mechanism: how an app contributes to a feature it does not own.

`isms` never imports `assets` or `risks`. Where an `isms` feature needs what another app
owns (a dashboard step, automated evidence, files of the audit pack...), `isms` declares a
`Registry` and the other app registers entries with it in its `AppConfig.ready()`. The
same mechanism serves registries inside one app (the AWS check catalogue).

Semantics, the same for every registry:

- an entry has a key: the entry itself by default (a provider function), or what the
  registry's `key` function returns for it (a model's label, a step number, a name), or
  the `key=` given to `register()`;
- registering the same entry under the same key again is a no-op (an `AppConfig.ready()`
  may run twice in tests); registering a *different* entry under a taken key is refused
  with `AlreadyRegistered`, so two apps never silently replace each other;
- `registry[key]` looks an entry up (`NotRegistered`, a `KeyError`, names the registry
  when it is missing); iteration yields the entries in registration order;
- `override()` swaps a registry's contents for the length of a `with` block, for tests.

Besides iteration, a registry answers `len()`, `key in registry`, `.get(key)`, `.keys()`,
`.values()` and `.items()` like a dict (iterating a dict yields keys; a registry, entries).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

__all__ = ["AlreadyRegistered", "NotRegistered", "Registry"]


class AlreadyRegistered(ValueError):
    """A different entry is already registered under this key."""


class NotRegistered(KeyError):
    """No entry is registered under this key."""

    def __str__(self) -> str:  # KeyError quotes its argument; say it in plain words
        return str(self.args[0]) if self.args else ""


def _identity(entry):
    return entry


class Registry(Generic[K, V]):
    """An ordered set of entries of one kind, each under a unique key."""

    def __init__(self, name: str, *, key: Callable[[V], K] = _identity) -> None:
        self.name = name
        self._key = key
        self._entries: dict[K, V] = {}
        self._overrides = 0  # `with override()` blocks open

    def __repr__(self) -> str:
        return f"<Registry {self.name!r}: {len(self._entries)} entries>"

    # --- registering ---------------------------------------------------------------------

    def register(self, entry: V, *, key: K | None = None) -> V:
        """Add `entry` under `key` (default: the registry's key function of it).

        Returns the entry, so `register` can decorate a function."""
        key = self._key(entry) if key is None else key
        if key in self._entries:
            if self._entries[key] == entry:
                return entry
            raise AlreadyRegistered(
                f"{self.name}: {key!r} is already registered ({self._entries[key]!r})."
            )
        self._entries[key] = entry
        return entry

    def unregister(self, key: K) -> None:
        """Remove the entry under `key` (nothing happens when there is none)."""
        self._entries.pop(key, None)

    # --- reading -------------------------------------------------------------------------

    def __getitem__(self, key: K) -> V:
        try:
            return self._entries[key]
        except KeyError:
            raise NotRegistered(f"{self.name}: nothing is registered as {key!r}.") from None

    def get(self, key: K, default: V | None = None) -> V | None:
        return self._entries.get(key, default)

    def __iter__(self) -> Iterator[V]:
        # A copy: a provider may register while the registry is being walked.
        return iter(list(self._entries.values()))

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def keys(self):
        return self._entries.keys()

    def values(self):
        return self._entries.values()

    def items(self):
        return self._entries.items()

    # --- tests ---------------------------------------------------------------------------

    @contextmanager
    def override(self, entries: Iterable[V] | Mapping[K, V] | None = None):
        """Swap the contents for the length of a `with` block, then restore them.

        `override()` starts from a copy of the current entries (register or replace freely
        inside the block); `override([a, b])` holds exactly `a` and `b` (under their keys);
        `override({key: entry})` holds exactly these keys."""
        saved = self._entries
        if entries is None:
            self._entries = dict(saved)
        elif isinstance(entries, Mapping):
            self._entries = dict(entries.items())
        else:
            self._entries = {}
            for entry in entries:
                self.register(entry)
        self._overrides += 1
        try:
            yield self
        finally:
            self._overrides -= 1
            self._entries = saved

    def replace(self, key: K, entry: V) -> None:
        """Put `entry` under `key` even if another is there. Only inside `override()`:
        the running project never replaces what an app registered."""
        if not self._overrides:
            raise RuntimeError(f"{self.name}: replace() is for tests, inside override().")
        self._entries[key] = entry
