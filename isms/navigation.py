"""The sidebar: the overview, the inventory, the nine ISMS steps and the assurance pages.

Every app registers its own items in its `AppConfig.ready()` (`isms` never names the
other apps' URLs):

    from isms import navigation

    navigation.register(navigation.Item("Risk register", "risks:risk_list", "bi-search", step=4))

An item with a `step` belongs to "The nine steps", which always lists the nine steps in
order: a step no app gave an item, or whose URL is not installed, links to its step on
the dashboard. Other items appear in their `section`, in registration order.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from isms.dashboard import STEPS as ISMS_STEPS
from isms.governance.notifications import unread_count
from isms.registry import Registry

OVERVIEW = "Overview"
INVENTORY = "Inventory"
STEPS = "The nine steps"
ASSURANCE = "Assurance"
SECTIONS = [OVERVIEW, INVENTORY, STEPS, ASSURANCE]


@dataclass(frozen=True)
class Item:
    """One link of the sidebar."""

    label: str
    url_name: str
    icon: str
    section: str = ""  # one of SECTIONS; an item with a `step` is in STEPS
    step: int | None = None
    permission: str | None = None
    superuser: bool = False
    # `badge(user) -> int`: a count shown beside the label when not zero. It runs on
    # every page, so it must not cost a query of its own.
    badge: Callable | None = None

    def __post_init__(self):
        if self.step is not None:
            object.__setattr__(self, "section", STEPS)
        elif self.section not in SECTIONS:
            raise ValueError(f"Sidebar item {self.label!r}: section must be one of {SECTIONS}.")


items: Registry[str, Item] = Registry("sidebar items", key=lambda item: item.url_name)


def register(item: Item) -> None:
    """Add a sidebar item (a different item with the same URL name is refused)."""
    items.register(item)


def register_isms_items() -> None:
    """The items of the pages `isms` owns (called from IsmsConfig.ready())."""
    for item in (
        Item("Dashboard", "dashboard", "bi-speedometer2", section=OVERVIEW),
        Item("Scope", "isms:scope", "bi-bullseye", step=1),
        Item("Policies", "isms:policy_list", "bi-journal-text", step=2),
        Item("Frameworks", "isms:framework_list", "bi-diagram-3", step=7),
        Item("Approvals", "isms:approval_inbox", "bi-patch-check", step=8),
        Item("Statement of applicability", "isms:soa", "bi-file-earmark-check", step=9),
        Item(
            "Reviews due",
            "isms:reviews_due",
            "bi-calendar-check",
            section=ASSURANCE,
            permission="isms.view_scope",
        ),
        Item("Policies to read", "isms:policy_read_list", "bi-book", section=ASSURANCE),
        Item(
            "Notifications",
            "isms:notification_list",
            "bi-bell",
            section=ASSURANCE,
            badge=unread_count,
        ),
        Item(
            "Audit log",
            "audit_log",
            "bi-clock-history",
            section=ASSURANCE,
            permission="isms.view_auditevent",
        ),
        Item("System", "system_status", "bi-cpu", section=ASSURANCE, superuser=True),
        Item("Administration", "admin:index", "bi-gear", section=ASSURANCE, superuser=True),
    ):
        register(item)


def _grouped() -> list[tuple[str, list[Item]]]:
    """The registered items by section; the nine steps complete and in order."""
    by_step = {item.step: item for item in items if item.step is not None}
    grouped = []
    for title in SECTIONS:
        if title == STEPS:
            # A step without an item still shows: its URL name is empty, so it links to
            # the dashboard.
            entries = [
                by_step.get(step.number) or Item(step.title, "", step.icon, step=step.number)
                for step in ISMS_STEPS
            ]
        else:
            entries = [item for item in items if item.section == title]
        grouped.append((title, entries))
    return grouped


def sections(request):
    """The visible sections and items; the one item whose URL is the longest prefix of
    the current path is active (so /assets/shared-responsibility/ lights one item)."""
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    dashboard = reverse("dashboard")
    result = []
    for title, section_items in _grouped():
        entries = []
        for item in section_items:
            if item.superuser and not (user and user.is_superuser):
                continue
            if item.permission and not (user and user.has_perm(item.permission)):
                continue
            url = _url(item.url_name)
            installed = url is not None
            if not installed:
                if item.step is None:
                    continue
                url = f"{dashboard}#step-{item.step}"
            badge = item.badge(user) if item.badge and user is not None else 0
            entries.append(
                {
                    "item": item,
                    "url": url,
                    "active": False,
                    "installed": installed,
                    "badge": badge,
                }
            )
        if entries:
            result.append((title, entries))
    matches = [
        entry
        for _, entries in result
        for entry in entries
        if entry["installed"]
        and (path == entry["url"] if entry["url"] == dashboard else path.startswith(entry["url"]))
    ]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return result


def _url(url_name: str) -> str | None:
    """The item's URL, or None when no app installed it (or the item names none)."""
    if not url_name:
        return None
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None
