"""The sidebar: the nine ISMS steps plus the inventory and the governance pages.

Items name a URL; an item whose URL is not installed yet links to its step on the
dashboard, so the navigation always walks the nine steps.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from isms.governance.notifications import unread_count


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    icon: str
    step: int | None = None
    permission: str | None = None
    superuser: bool = False
    # `badge(user) -> int`: a count shown beside the label when not zero. It runs on
    # every page, so it must not cost a query of its own.
    badge: Callable | None = None


SECTIONS = [
    ("Overview", [Item("Dashboard", "dashboard", "bi-speedometer2")]),
    (
        "Inventory",
        [
            Item("Assets", "assets:asset_list", "bi-box-seam"),
            Item("AWS estate", "assets:aws_account_list", "bi-cloud"),
            Item(
                "Security posture",
                "assets:estate_posture",
                "bi-shield-exclamation",
                permission="assets.view_finding",
            ),
            Item("Shared responsibility", "assets:shared_responsibility", "bi-cloud-check"),
        ],
    ),
    (
        "The nine steps",
        [
            Item("Scope", "isms:scope", "bi-bullseye", step=1),
            Item("Policies", "isms:policy_list", "bi-journal-text", step=2),
            Item("Risk methodology", "risks:methodology", "bi-rulers", step=3),
            Item("Risk register", "risks:risk_list", "bi-search", step=4),
            Item("Risk analysis", "risks:heatmap", "bi-graph-up", step=5),
            Item("Risk treatment", "risks:treatment_list", "bi-shield-check", step=6),
            Item("Frameworks", "isms:framework_list", "bi-diagram-3", step=7),
            Item("Approvals", "isms:approval_inbox", "bi-patch-check", step=8),
            Item("Statement of applicability", "isms:soa", "bi-file-earmark-check", step=9),
        ],
    ),
    (
        "Assurance",
        [
            Item(
                "Reviews due", "isms:reviews_due", "bi-calendar-check", permission="isms.view_scope"
            ),
            Item("Policies to read", "isms:policy_read_list", "bi-book"),
            Item("Notifications", "isms:notification_list", "bi-bell", badge=unread_count),
            Item("Audit log", "audit_log", "bi-clock-history", permission="isms.view_auditevent"),
            Item("System", "system_status", "bi-cpu", superuser=True),
            Item("Administration", "admin:index", "bi-gear", superuser=True),
        ],
    ),
]


def sections(request):
    """The visible sections and items; the one item whose URL is the longest prefix of
    the current path is active (so /assets/shared-responsibility/ lights one item)."""
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    dashboard = reverse("dashboard")
    result = []
    for title, items in SECTIONS:
        entries = []
        for item in items:
            if item.superuser and not (user and user.is_superuser):
                continue
            if item.permission and not (user and user.has_perm(item.permission)):
                continue
            try:
                url = reverse(item.url_name)
                installed = True
            except NoReverseMatch:
                if item.step is None:
                    continue
                url = f"{dashboard}#step-{item.step}"
                installed = False
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
