"""The management approval workflow (ISMS step 8), shared by every approvable document.

An app makes one of its models approvable in two steps:

1. the model inherits `isms.models.approvals.ApprovableModel` (state, approval time,
   approved hash; approved rows refuse save/delete), and its migration adds
   `freeze_approved_rows("<db table>")` so that PostgreSQL refuses raw changes too;
2. its `AppConfig.ready()` registers it::

       from isms import approvals

       approvals.register(
           MethodologyVersion,
           content=lambda v: v.canonical_json(),   # the exact text that is hashed
           group_by="methodology",                 # approving one supersedes the others
           on_approved=activate_methodology,       # callback(version, request)
           quorum=1,
           render=render_methodology,              # the content for humans (HTML)
       )

Then the services below move it through draft -> in review -> approved / changes
requested / rejected, and approved -> superseded when a newer version of the same
document (`group_by`) is approved.

Rules (enforced here, whatever the caller: page, API, command):

- deciding needs the type's permission, by default `isms.decide_approvalrequest`, which
  the Management role holds (roles.py gives Management every `decide_*`/`approve_*`);
- nobody decides a request they submitted or a version they created or edited (the
  editors are the type's `editors()` plus every actor of the version's audit trail);
  such an attempt is refused *and* recorded in the audit trail;
- every decision re-authenticates the approver with their password (or, for single
  sign-on users, a fresh sign-in at the identity provider, one per decision: in the
  browser directly, through the API as a one-time confirmation code);
- a request is approved when `quorum` different approvers approved it; one rejection
  or one request for changes ends it;
- the content is hashed (SHA-256) at submission and again at each decision; if it
  changed in between, the decision is refused;
- concurrent decisions on one request are serialised by a row lock
  (`select_for_update`): exactly one wins, the other sees the new state and gets
  `ApprovalConflict`. (SQLite has no row locks; its IMMEDIATE transactions serialise
  all writers, which gives the same outcome.)
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import migrations, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from isms import audit, reauth
from isms.models.approvals import (
    EDITABLE_STATES,
    ApprovableModel,
    ApprovalDecision,
    ApprovalRequest,
    ApprovalState,
    ApprovedVersionFrozen,
    Decision,
)
from isms.models.audit import AuditAction, AuditEvent
from isms.registry import Registry

logger = logging.getLogger(__name__)

DEFAULT_PERMISSION = "isms.decide_approvalrequest"

__all__ = [
    "ApprovableType",
    "ApprovalConflict",
    "ApprovalError",
    "ApprovalForbidden",
    "ApprovalInvalid",
    "ApprovedVersionFrozen",
    "ContentIncomplete",
    "ReauthenticationFailed",
    "SelfApprovalRefused",
    "approval_request_approve",
    "approval_request_reject",
    "approval_request_request_changes",
    "approval_request_submit",
    "approval_request_withdraw",
    "content_sha256",
    "ensure_editable",
    "freeze_approved_rows",
    "register",
]


# --- Errors -------------------------------------------------------------------------------


class ApprovalError(Exception):
    """Base of every refusal of the workflow; the message is safe to show to the user."""


class ApprovalForbidden(ApprovalError):
    """The user may not do this (no permission)."""


class SelfApprovalRefused(ApprovalForbidden):
    """The user submitted or edited what they try to decide."""


class ApprovalInvalid(ApprovalError):
    """A value given to the workflow is wrong (`field` names it): fix it and retry."""

    field = "non_field_errors"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        if field is not None:
            self.field = field


class ContentIncomplete(ApprovalInvalid):
    """The document still has problems its type lists (`problems=`): it can be neither
    submitted nor approved until they are fixed (400, not 409: the content is invalid,
    nothing changed under the user's feet)."""


class ReauthenticationFailed(ApprovalInvalid):
    """The password given to confirm a decision is wrong."""

    field = "password"


class ApprovalConflict(ApprovalError):
    """The request or version is not in a state that allows this (already decided...)."""


# --- Registry -----------------------------------------------------------------------------


def _no_editors(obj) -> Iterable:
    return ()


@dataclass(frozen=True)
class ApprovableType:
    """What the workflow needs to know about one approvable model."""

    model: type[ApprovableModel]
    content: Callable[[ApprovableModel], str]
    label: str
    editors: Callable[[ApprovableModel], Iterable] = _no_editors
    permission: str = DEFAULT_PERMISSION
    default_quorum: int = 1
    group_by: str | None = None
    submit_permission: str | Callable | None = None
    on_submitted: Callable | None = None
    on_approved: Callable | None = None
    on_rejected: Callable | None = None
    on_changes_requested: Callable | None = None
    url: Callable[[ApprovableModel], str] | None = None
    # Step 8 is done only when every required type has an approved version (documents:
    # scope, policy, methodology, SoA); per-case approvals (risk acceptances) say False.
    required: bool = True
    # problems(obj) -> messages: anything listed refuses submission and approval (the
    # SoA's completeness rules); rejecting or sending back stays possible.
    problems: Callable[[ApprovableModel], Iterable[str]] | None = None
    # render(content, previous_content) -> safe HTML: what the approver reads, drawn from
    # the exact text that is hashed (and the approved text it replaces, or None). Types
    # whose content is prose (scope, policy) leave it out and get a line diff.
    render: Callable[[str, str | None], str] | None = None

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def setting_key(self) -> str:
        """The type's key in settings.APPROVAL_QUORUM: its model name, e.g. "soa"."""
        return self.model._meta.model_name

    @property
    def quorum(self) -> int:
        """How many different approvers a request of this type needs: the
        APPROVAL_QUORUM setting for the type, else the registered default."""
        return int(
            getattr(settings, "APPROVAL_QUORUM", {}).get(self.setting_key, self.default_quorum)
        )

    def refuse_problems(self, obj, what: str) -> None:
        """Raise ContentIncomplete listing `obj`'s problems, if it has any."""
        if self.problems is None:
            return
        found = [str(problem) for problem in self.problems(obj)]
        if found:
            shown = found[:10]
            more = f" … and {len(found) - len(shown)} more." if len(found) > len(shown) else ""
            raise ContentIncomplete(
                f"{obj} cannot be {what}: {len(found)} problems to fix first: "
                + "; ".join(shown)
                + more
            )

    def hash(self, obj) -> tuple[str, str]:
        """(content, SHA-256 hex of its UTF-8 bytes)."""
        text = self.content(obj)
        return text, hashlib.sha256(text.encode("utf-8")).hexdigest()

    def may_submit(self, user, obj) -> bool:
        if callable(self.submit_permission):
            # A type whose submitter is decided per object (a risk's owner).
            return bool(self.submit_permission(user, obj))
        permission = self.submit_permission or (
            f"{obj._meta.app_label}.change_{obj._meta.model_name}"
        )
        return user.has_perm(permission)

    def siblings(self, obj):
        """Other versions of the same document (empty when the type has no `group_by`)."""
        if not self.group_by:
            return self.model._default_manager.none()
        field = self.model._meta.get_field(self.group_by)
        return self.model._default_manager.filter(
            **{field.attname: getattr(obj, field.attname)}
        ).exclude(pk=obj.pk)

    def last_approved(self, obj):
        """The version this one would supersede: the approved sibling, if any."""
        return self.siblings(obj).filter(approval_state=ApprovalState.APPROVED).first()


# The approvable types, keyed by model label ("risks.riskacceptance"), in registration order.
approvable_types: Registry[str, ApprovableType] = Registry(
    "approvable types", key=lambda kind: kind.key
)


def register(
    model: type[ApprovableModel],
    *,
    content: Callable[[ApprovableModel], str],
    label: str | None = None,
    **options,
) -> ApprovableType:
    """Make `model` approvable. Call from the owning app's `AppConfig.ready()`.

    `content(obj) -> str` returns the canonical text whose SHA-256 is approved; it must
    cover everything the approver approves (use sorted JSON for structured data).
    Options: `editors(obj) -> users`, `permission` (default "isms.decide_approvalrequest"),
    `quorum` (default 1; settings.APPROVAL_QUORUM overrides it per type), `problems(obj)`
    (messages that refuse submission and approval), `group_by` (field whose value groups
    versions of one document), `render(content, previous_content)` (safe HTML showing
    the content to the approver: fields by name, tables of changes; see
    `render_content`), `submit_permission` (default "<app>.change_<model>"), `url(obj)`, `required`
    (default True: the dashboard's step 8 waits for an approved one), and callbacks
    `on_submitted/on_approved/on_rejected/on_changes_requested(obj, request)`, which run
    inside the decision's transaction.
    """
    if not issubclass(model, ApprovableModel):
        raise TypeError(f"{model.__name__} must inherit isms.models.approvals.ApprovableModel")
    if "quorum" in options:
        options["default_quorum"] = options.pop("quorum")
    kind = ApprovableType(
        model=model,
        content=content,
        label=label or str(model._meta.verbose_name).capitalize(),
        **options,
    )
    return approvable_types.register(kind)


def check_quorum_setting(app_configs=None, **kwargs) -> list:
    """Django system check: every key of APPROVAL_QUORUM names a registered type."""
    from django.core import checks

    known = {kind.setting_key for kind in approvable_types}
    unknown = sorted(set(getattr(settings, "APPROVAL_QUORUM", {})) - known)
    if not unknown:
        return []
    return [
        checks.Error(
            f"APPROVAL_QUORUM names unknown approvable types: {', '.join(unknown)}.",
            hint=f"Use one of: {', '.join(sorted(known))}.",
            id="isms.E010",
        )
    ]


def registered() -> list[ApprovableType]:
    return list(approvable_types)


def type_for(obj_or_model) -> ApprovableType:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    try:
        return approvable_types[model._meta.label_lower]
    except KeyError:
        raise LookupError(f"{model._meta.label} is not registered as approvable") from None


def type_for_key(key: str) -> ApprovableType:
    try:
        return approvable_types[key.lower()]
    except KeyError:
        raise LookupError(f"Unknown approvable type {key!r}") from None


def get_target(request: ApprovalRequest):
    """The version a request is about (locked by the caller if needed)."""
    return request.content_type.get_object_for_this_type(pk=request.object_id)


# --- Queries used by pages, the API and the dashboard ---------------------------------------


def approvers_for(kind: ApprovableType):
    """Active users holding the type's decision permission (directly, by group, or superuser)."""
    app_label, codename = kind.permission.split(".", 1)
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    users = get_user_model()._default_manager.filter(is_active=True)
    if permission is None:
        return users.filter(is_superuser=True)
    return users.filter(
        Q(is_superuser=True) | Q(user_permissions=permission) | Q(groups__permissions=permission)
    ).distinct()


def editors_of(obj, kind: ApprovableType | None = None) -> set[int]:
    """Ids of everyone who created or edited `obj`: the type's own answer plus the audit trail."""
    kind = kind or type_for(obj)
    ids = {getattr(user, "pk", user) for user in kind.editors(obj) if user is not None}
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    ids.update(
        AuditEvent.objects.filter(
            content_type=content_type,
            object_id=str(obj.pk),
            action__in=(AuditAction.CREATE, AuditAction.UPDATE),
            actor__isnull=False,
        ).values_list("actor_id", flat=True)
    )
    return ids


def pending_for(user):
    """Open requests `user` may decide and has not decided yet (not their own)."""
    keys = [k for k in approvable_types if user.has_perm(k.permission)]
    if not keys:
        return ApprovalRequest.objects.none()
    content_types = ContentType.objects.get_for_models(*[k.model for k in keys]).values()
    return (
        ApprovalRequest.objects.filter(
            state=ApprovalState.IN_REVIEW, content_type__in=content_types
        )
        .exclude(submitted_by=user)
        .exclude(editors=user)
        .exclude(decisions__decided_by=user)
    )


def previous_approved_request(request: ApprovalRequest) -> ApprovalRequest | None:
    """The approved request of the version that was in force when `request` was
    submitted (what the approver compares against), if the type groups versions."""
    kind = type_for_key(request.content_type.model_class()._meta.label_lower)
    if not kind.group_by:
        return None
    obj = get_target(request)
    earlier = (
        kind.siblings(obj)
        .filter(approved_at__lt=request.submitted_at)
        .order_by("-approved_at")
        .values_list("pk", flat=True)
        .first()
    )
    if earlier is None:
        return None
    return (
        ApprovalRequest.objects.filter(
            content_type=request.content_type,
            object_id=earlier,
            state__in=(ApprovalState.APPROVED, ApprovalState.SUPERSEDED),
        )
        .order_by("-decided_at")
        .first()
    )


def approval_record(obj) -> dict | None:
    """Who submitted and who decided `obj` (any approvable record), when, and the hash
    each saw, from its latest approval request: for pages, PDFs and downloads that show
    the approval under the document. None before submission."""
    request = (
        ApprovalRequest.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )
        .select_related("submitted_by")
        .prefetch_related("decisions__decided_by")
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if request is None:
        return None
    return {
        "state": request.get_state_display(),
        "submitted_by": str(request.submitted_by),
        "submitted_at": request.submitted_at,
        "sha256": request.content_sha256,
        "decisions": [
            {
                "by": str(d.decided_by),
                "at": d.decided_at,
                "decision": d.get_decision_display(),
                "comment": d.comment,
                "sha256": d.content_sha256,
            }
            for d in request.decisions.all()
        ],
    }


def render_content(request: ApprovalRequest, previous: ApprovalRequest | None) -> str | None:
    """The submitted content as its type shows it to humans (safe HTML), from the exact
    text that was hashed; None when the type has no renderer (its text is diffed)."""
    kind = type_for_key(request.content_type.model_class()._meta.label_lower)
    if kind.render is None:
        return None
    return kind.render(request.content, previous.content if previous else None)


def refusal_reason(user, request: ApprovalRequest) -> str | None:
    """Why `user` may not decide `request` now, or None when they may (for pages)."""
    kind = type_for_key(request.content_type.model_class()._meta.label_lower)
    if not user.has_perm(kind.permission):
        return "Only management can decide approval requests."
    if request.state != ApprovalState.IN_REVIEW:
        return f"This request is {request.get_state_display().lower()}."
    if user.pk == request.submitted_by_id or request.editors.filter(pk=user.pk).exists():
        return "You submitted or edited this version, so someone else must decide."
    if request.decisions.filter(decided_by=user).exists():
        return "You have already decided this request."
    return None


# --- Services -------------------------------------------------------------------------------


def _set_target_state(obj, state: str, **fields) -> None:
    # A queryset update: the workflow is the one writer allowed to move the state, and
    # the frozen-row guard in save() must not stand in its way (approved -> superseded).
    type(obj)._default_manager.filter(pk=obj.pk).update(approval_state=state, **fields)
    obj.approval_state = state
    for name, value in fields.items():
        setattr(obj, name, value)


def _notify(**kwargs) -> None:
    # Imported here: notifications build on governance models that import this module.
    from isms.governance import notifications

    notifications.notify(**kwargs)


def approval_request_submit(*, obj, user, comment: str = "") -> ApprovalRequest:
    """Submit a draft (or a version sent back for changes) for management approval.

    Snapshots the canonical content and its SHA-256, the submitter and the editors,
    puts the version in review and tells the approvers (e-mail after commit).
    """
    kind = type_for(obj)
    with audit.acting_as(user), transaction.atomic():
        obj = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        if not kind.may_submit(user, obj):
            raise ApprovalForbidden("You may not submit this for approval.")
        if obj.approval_state not in EDITABLE_STATES:
            state = obj.get_approval_state_display().lower()
            raise ApprovalConflict(f"Only a draft can be submitted; this version is {state}.")
        kind.refuse_problems(obj, "submitted")
        content, digest = kind.hash(obj)
        request = ApprovalRequest.objects.create(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=obj.pk,
            title=str(obj)[:300],
            submitted_by=user,
            submit_comment=comment,
            content=content,
            content_sha256=digest,
            quorum=kind.quorum,
        )
        request.editors.set(editors_of(obj, kind) - {user.pk})
        _set_target_state(obj, ApprovalState.IN_REVIEW)
        audit.record(
            obj,
            AuditAction.SUBMIT,
            changes={"approval_request": request.pk, "sha256": digest},
            message=f"Submitted for approval (quorum {kind.quorum}). {comment}".strip(),
        )
        if kind.on_submitted:
            kind.on_submitted(obj, request)
        _notify(
            users=approvers_for(kind).exclude(pk=user.pk).exclude(pk__in=request.editors.all()),
            subject=f"Approval requested: {request.title}",
            body=f"{user} submitted {kind.label.lower()} “{request.title}” for your approval.",
            target=request,
        )
    return request


def _check_decider(*, kind, request, user, password, confirmation_code=""):
    """Who may decide, checked before the decision's transaction opens: the permission,
    no self-approval, and the password. The password check runs outside the
    transaction on purpose: a wrong password is recorded by the lockout (django-axes)
    and that record must not be rolled back with the refused decision.

    A confirmation code (SSO users, through the API) is checked here and returned; the
    decision spends it inside its transaction, so a decision refused later (a missing
    comment, a conflict) leaves the code usable."""
    if not user.has_perm(kind.permission):
        raise ApprovalForbidden("Only management can decide approval requests.")
    if user.pk == request.submitted_by_id or request.editors.filter(pk=user.pk).exists():
        raise SelfApprovalRefused(
            "You submitted or edited this version; someone else must decide it."
        )
    # Through isms.reauth: within a request a wrong password is security-logged and
    # counts towards the login lockout, like a failed sign-in. Without a password, a
    # fresh re-authentication at the identity provider (SSO users) confirms, once.
    if password:
        if not reauth.password_matches(user, password):
            raise ReauthenticationFailed(
                "Incorrect password: confirm the decision with your password."
            )
    elif confirmation_code:
        from isms.sso.services import CodeRefused

        try:
            return reauth.check_confirmation_code(user, confirmation_code)
        except CodeRefused as exc:
            raise ReauthenticationFailed(str(exc), field="confirmation_code") from None
    elif not reauth.consume_idp_confirmation(user):
        if user.has_usable_password():
            raise ReauthenticationFailed(
                "Confirm the decision with your password, or through your organisation's "
                "sign-in (SSO)."
            )
        raise ReauthenticationFailed(
            _(
                "Confirm the decision through your organisation's sign-in (SSO) first; "
                "through the API, send a confirmation code (/sso/confirmation-code/)."
            ),
            field="confirmation_code",
        )
    return None


def _check_open(*, request, user) -> None:
    """The state rules, checked under the request's row lock."""
    if request.state != ApprovalState.IN_REVIEW:
        raise ApprovalConflict(f"This request is already {request.get_state_display().lower()}.")
    if request.decisions.filter(decided_by=user).exists():
        raise ApprovalConflict("You have already decided this request.")


def _record_refusal(request_id: int, user, exc: ApprovalError, decision: str) -> None:
    """Keep a trace of a refused decision: its own transaction, since the decision's
    was rolled back. Self-approval and failed re-authentication are security events."""
    logger.warning(
        "Approval decision refused: user=%s request=%s decision=%s reason=%s",
        user.pk,
        request_id,
        decision,
        type(exc).__name__,
    )
    with transaction.atomic():
        request = ApprovalRequest.objects.filter(pk=request_id).first()
        with audit.acting_as(user):
            audit.record(
                request,
                AuditAction.OTHER,
                changes={"refused": decision, "reason": type(exc).__name__},
                message=f"Refused {decision.replace('_', ' ')}: {exc}",
            )


def _decide(
    *,
    request: ApprovalRequest,
    user,
    password: str,
    comment: str,
    decision: str,
    confirmation_code: str = "",
):
    request_id = request.pk
    try:
        with audit.acting_as(user):
            unlocked = ApprovalRequest.objects.select_related("content_type").get(pk=request_id)
            confirmation = _check_decider(
                kind=type_for_key(unlocked.content_type.model_class()._meta.label_lower),
                request=unlocked,
                user=user,
                password=password,
                confirmation_code=confirmation_code,
            )
        with audit.acting_as(user), transaction.atomic():
            # Lock the request row: a concurrent decision waits here, then sees the
            # state this one leaves behind.
            request = (
                ApprovalRequest.objects.select_for_update()
                .select_related("content_type")
                .get(pk=request_id)
            )
            kind = type_for_key(request.content_type.model_class()._meta.label_lower)
            _check_open(request=request, user=user)
            if decision != Decision.APPROVE and not comment.strip():
                raise ApprovalInvalid(
                    "Say why: a comment is required to reject or send back.", field="comment"
                )
            obj = kind.model._default_manager.select_for_update().get(pk=request.object_id)
            _content, digest = kind.hash(obj)
            if digest != request.content_sha256:
                raise ApprovalConflict(
                    "The version changed since it was submitted; it must be submitted again."
                )
            if decision == Decision.APPROVE:
                kind.refuse_problems(obj, "approved")
            if confirmation is not None:
                _spend(user, confirmation)
            ApprovalDecision.objects.create(
                request=request,
                decided_by=user,
                decision=decision,
                comment=comment,
                content_sha256=digest,
            )
            _apply(kind=kind, request=request, obj=obj, user=user, decision=decision)
            audit.record(
                request,
                AuditAction.APPROVE if decision == Decision.APPROVE else AuditAction.REJECT,
                changes={"decision": decision, "sha256": digest, "state": request.state},
                message=comment,
            )
            return request
    except (SelfApprovalRefused, ReauthenticationFailed, ApprovalForbidden) as exc:
        _record_refusal(request_id, user, exc, decision)
        raise


def _spend(user, confirmation) -> None:
    """Spend the decision's confirmation code, once (two decisions racing with one code:
    the second is refused)."""
    from isms.sso.services import CodeRefused

    try:
        reauth.use_confirmation_code(user, confirmation)
    except CodeRefused as exc:
        raise ReauthenticationFailed(str(exc), field="confirmation_code") from None


def _apply(*, kind, request, obj, user, decision) -> None:
    """Move the request and the version to the state the decisions add up to."""
    now = timezone.now()
    if decision == Decision.APPROVE:
        approvals = request.decisions.filter(decision=Decision.APPROVE).count()
        if approvals < request.quorum:
            audit.record(
                obj,
                AuditAction.APPROVE,
                message=f"Approval {approvals} of {request.quorum} by {user}.",
            )
            return
        request.state = ApprovalState.APPROVED
        request.decided_at = now
        request.save(update_fields=["state", "decided_at"])
        _supersede(kind=kind, obj=obj, request=request)
        stamps = {"approved_at": now, "approved_sha256": request.content_sha256}
        if any(field.name == "approved_by" for field in type(obj)._meta.concrete_fields):
            # Set with the state, in one write: on PostgreSQL an approved row is frozen.
            stamps["approved_by"] = user
        _set_target_state(obj, ApprovalState.APPROVED, **stamps)
        audit.record(
            obj,
            AuditAction.APPROVE,
            changes={"sha256": request.content_sha256, "approval_request": request.pk},
            message="Approved by management.",
        )
        callback = kind.on_approved
        subject = f"Approved: {request.title}"
    else:
        state = (
            ApprovalState.REJECTED
            if decision == Decision.REJECT
            else ApprovalState.CHANGES_REQUESTED
        )
        request.state = state
        request.decided_at = now
        request.save(update_fields=["state", "decided_at"])
        _set_target_state(obj, state)
        audit.record(
            obj, AuditAction.REJECT, changes={"approval_state": state}, message=state.label
        )
        callback = kind.on_rejected if decision == Decision.REJECT else kind.on_changes_requested
        subject = f"{state.label}: {request.title}"
    if callback:
        callback(obj, request)
    _notify(
        users=[request.submitted_by],
        subject=subject,
        body=f"{user} decided “{request.title}”: {request.get_state_display().lower()}.",
        target=request,
    )


def _supersede(*, kind, obj, request) -> None:
    previous = list(kind.siblings(obj).filter(approval_state=ApprovalState.APPROVED))
    if not previous:
        return
    content_type = ContentType.objects.get_for_model(kind.model, for_concrete_model=True)
    for old in previous:
        _set_target_state(old, ApprovalState.SUPERSEDED)
        audit.record(old, AuditAction.UPDATE, message=f"Superseded by {obj}.")
    ApprovalRequest.objects.filter(
        content_type=content_type,
        object_id__in=[old.pk for old in previous],
        state=ApprovalState.APPROVED,
    ).update(state=ApprovalState.SUPERSEDED, superseded_by=request)


def approval_request_approve(
    *,
    request: ApprovalRequest,
    user,
    password: str,
    comment: str = "",
    confirmation_code: str = "",
) -> ApprovalRequest:
    """Approve a request in review (re-authenticated by the password, a confirmation
    code or a fresh IdP sign-in); approved once the quorum is met."""
    return _decide(
        request=request,
        user=user,
        password=password,
        comment=comment,
        decision=Decision.APPROVE,
        confirmation_code=confirmation_code,
    )


def approval_request_reject(
    *, request: ApprovalRequest, user, password: str, comment: str, confirmation_code: str = ""
) -> ApprovalRequest:
    """Reject a request in review (re-authenticated, with a reason); the version is dead."""
    return _decide(
        request=request,
        user=user,
        password=password,
        comment=comment,
        decision=Decision.REJECT,
        confirmation_code=confirmation_code,
    )


def approval_request_request_changes(
    *, request: ApprovalRequest, user, password: str, comment: str, confirmation_code: str = ""
) -> ApprovalRequest:
    """Send a request back to its authors (re-authenticated, with a reason): the version
    becomes editable again and can be resubmitted."""
    return _decide(
        request=request,
        user=user,
        password=password,
        comment=comment,
        decision=Decision.REQUEST_CHANGES,
        confirmation_code=confirmation_code,
    )


def approval_request_withdraw(*, obj, reason: str) -> ApprovalRequest | None:
    """Take `obj` out of review because what was submitted no longer holds (the thing it
    is about changed): its open request and the version become rejected, with `reason`
    in the audit trail, and the submitter is told. Returns the request, or None when
    `obj` was not in review. Runs inside the caller's transaction."""
    kind = type_for(obj)
    request = (
        ApprovalRequest.objects.select_for_update()
        .filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=obj.pk,
            state=ApprovalState.IN_REVIEW,
        )
        .first()
    )
    if request is None:
        return None
    request.state = ApprovalState.REJECTED
    request.decided_at = timezone.now()
    request.save(update_fields=["state", "decided_at"])
    _set_target_state(obj, ApprovalState.REJECTED)
    audit.record(
        request, AuditAction.REJECT, changes={"withdrawn": True}, message=f"Withdrawn: {reason}"
    )
    audit.record(
        obj,
        AuditAction.REJECT,
        changes={"approval_state": ApprovalState.REJECTED},
        message=f"Withdrawn: {reason}",
    )
    _notify(
        users=[request.submitted_by],
        subject=f"Withdrawn: {request.title}",
        body=f"{kind.label} “{request.title}” was taken out of review: {reason}",
        target=request,
    )
    return request


def ensure_editable(obj) -> None:
    """Services of approvable models call this before changing a version's content."""
    if obj.is_frozen:
        raise ApprovedVersionFrozen(f"{obj} is approved and cannot be changed.")
    if obj.approval_state not in EDITABLE_STATES:
        raise ApprovalConflict(
            f"{obj} is {obj.get_approval_state_display().lower()}; it cannot be edited now."
        )


# --- Database guard (PostgreSQL) ---------------------------------------------------------------

_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION isms_refuse_approved_change() RETURNS trigger AS $$
BEGIN
    IF OLD.approval_state IN ('approved', 'superseded') THEN
        -- The one change allowed: approved -> superseded, nothing else touched.
        IF TG_OP = 'UPDATE' AND OLD.approval_state = 'approved'
           AND NEW.approval_state IN ('approved', 'superseded')
           AND (to_jsonb(NEW) - 'approval_state') = (to_jsonb(OLD) - 'approval_state') THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'approved version %.% is frozen', TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def freeze_approved_rows(table: str) -> migrations.RunPython:
    """A migration operation: on PostgreSQL, a trigger on `table` refuses UPDATE and DELETE
    of approved or superseded rows (other than approved -> superseded). No-op elsewhere."""
    trigger = f"{table}_frozen_when_approved"

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(_TRIGGER_FUNCTION, params=None)
        schema_editor.execute(f'DROP TRIGGER IF EXISTS {trigger} ON "{table}"')
        schema_editor.execute(
            f'CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION isms_refuse_approved_change()"
        )

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'DROP TRIGGER IF EXISTS {trigger} ON "{table}"')

    return migrations.RunPython(forward, backward, elidable=False)


def content_sha256(obj) -> str:
    """The SHA-256 the workflow would compute for `obj` now."""
    return type_for(obj).hash(obj)[1]
