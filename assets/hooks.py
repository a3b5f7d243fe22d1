"""What other apps hook into the asset inventory's writes (see isms/registry.py).

`value_at_stake_listeners`: every service that changes asset values or dependencies
calls each listener as `listener(asset_ids=...)`, inside that service's transaction,
once the stored `value_at_stake_usd` figures are correct again; `asset_ids` is the set
of assets whose figure changed. A listener (the risk register's $ exposure) therefore
writes in the same transaction: what it writes commits or rolls back with the change
that caused it, and an exception in it undoes the change. A registry rather than a
Django signal: one mechanism for every extension point, and no receiver that a test or
an import order can leave connected by accident.
"""

from collections.abc import Callable

from isms.registry import Registry

value_at_stake_listeners: Registry[Callable, Callable[..., object]] = Registry(
    "value at stake listeners"
)

# `dependency_listeners`: called as `listener(asset_ids=...)` inside the transaction of
# every service that recomputes values at stake after a change of dependencies or values
# (the same points, the same transaction), with every asset below the change, whether
# or not its $ figure moved: a figure that flows down the graph by another rule than a
# sum (the strictest recovery objective, assets.continuity) is recomputed for them.
dependency_listeners: Registry[Callable, Callable[..., object]] = Registry("dependency listeners")
# `listener(account=...)`, called inside the transaction that connects an AWS account
# (the supplier register makes AWS a supplier of the organisation).
aws_account_listeners: Registry[Callable, Callable[..., object]] = Registry("AWS account listeners")
