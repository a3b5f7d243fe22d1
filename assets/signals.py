"""Signals of the asset inventory.

`value_at_stake_changed` is sent by every service that changes asset values or
dependencies, inside that service's transaction, once the stored `value_at_stake_usd`
figures are correct again. `asset_ids` is the set of assets whose figure changed.
Receivers (e.g. the risk register's $ exposure) run in the same transaction, so what
they write commits or rolls back with the change that caused it.
"""

import django.dispatch

value_at_stake_changed = django.dispatch.Signal()  # kwargs: asset_ids (set[int])
