"""The dashboard's steps 7 (choose a framework) and 9 (Statement of Applicability)."""

from django.urls import reverse

from isms.dashboard import StepState
from isms.frameworks import selectors
from isms.models import Framework, SoA
from isms.models.approvals import ApprovalState


def framework_step(user) -> StepState:
    selected = list(Framework.objects.filter(selected=True).order_by("name"))
    url = reverse("isms:framework_list")
    if not selected:
        return StepState(
            status="todo",
            summary="No framework chosen yet.",
            missing=["Select the frameworks your ISMS uses and the one for the SoA."],
            url=url,
            action="Choose frameworks",
        )
    basis = next((f for f in selected if f.soa_basis), None)
    names = ", ".join(f.name for f in selected)
    if basis is None:
        return StepState(
            status="in_progress",
            summary=f"Selected: {names}.",
            missing=["Choose which framework the SoA is built on."],
            url=url,
            action="Choose the SoA framework",
        )
    return StepState(
        status="done", summary=f"Selected: {names}. SoA built on {basis.name}.", url=url
    )


def soa_step(user) -> StepState:
    url = reverse("isms:soa")
    basis = Framework.objects.filter(soa_basis=True).first()
    if basis is None:
        return StepState(summary="Choose a framework first (step 7).", url=url, action="Open")
    current = SoA.objects.current()
    progress = selectors.progress(basis)
    # Exactly what refuses freezing (isms.frameworks.soa.soa_blockers), per kind.
    missing = [f"{count} controls: {label}" for label, count in progress.blocker_counts]
    pending = SoA.objects.filter(approval_state=ApprovalState.IN_REVIEW).first()
    if pending is not None:
        missing.append(f"{pending} awaits management approval")
    summary = (
        f"{progress.decided} of {progress.controls} controls decided, "
        f"{progress.implemented} of {progress.applicable} applicable implemented."
    )
    if current is not None:
        summary += f" Current: {current}."
    return StepState(
        status="done" if current is not None and not missing else "in_progress",
        summary=summary,
        missing=missing,
        url=url,
        action="Open the SoA",
    )
