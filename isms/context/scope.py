"""The scope version's interested parties as a section of its approved content
(`isms.governance.scope_sections`): live from the links while the version is a draft,
frozen at submission (`ScopePartiesSnapshot`) once it is in review or approved."""

from django.db.models import Prefetch

from isms.context.models import InterestedParty, Requirement, ScopePartiesSnapshot

TITLE = "Interested parties (register)"


def live_text(version) -> str | None:
    """The linked parties and their requirements, in a fixed order and with codes rather
    than translated labels (the text is hashed); None when the version links none."""
    parties = (
        InterestedParty.objects.filter(scope_versions=version)
        .order_by("name")
        .prefetch_related(
            Prefetch("requirements", queryset=Requirement.objects.order_by("title", "pk"))
        )
    )
    lines = []
    for party in parties:
        lines.append(f"- {party.name} [{party.kind}]")
        for requirement in party.requirements.all():
            addressed = "addressed" if requirement.addressed else "not addressed"
            lines.append(f"  - {requirement.title} [{requirement.kind}, {addressed}]")
    return "\n".join(lines) if lines else None


def render(version) -> str | None:
    if version.pk is None:
        return None
    if version.is_editable:
        return live_text(version)
    snapshot = ScopePartiesSnapshot.objects.filter(scope_version=version).first()
    return snapshot.text if snapshot else None


def freeze(version) -> None:
    text = live_text(version)
    if text is None:
        ScopePartiesSnapshot.objects.filter(scope_version=version).delete()
    else:
        ScopePartiesSnapshot.objects.update_or_create(
            scope_version=version, defaults={"text": text}
        )
