"""Pages of the AWS connector: accounts, sync runs (with live progress), resources and
link rules. Thin: check the permission, validate with a form, call a service, render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assets import permissions as asset_perms
from assets.aws import cloudformation, links, selectors, services
from assets.aws.filters import (
    AwsAccountFilterSet,
    AwsLinkRuleFilterSet,
    AwsResourceFilterSet,
    SyncRunFilterSet,
)
from assets.aws.forms import (
    AssetLinkForm,
    AwsAccountForm,
    AwsLinkRuleForm,
    AwsOrganizationForm,
    ResourceLinkForm,
)
from assets.models import (
    Asset,
    AwsAccount,
    AwsLinkRule,
    AwsOrganization,
    AwsResource,
    SyncRun,
)
from isms import audit, reauth, security_log, uploads
from isms.governance import scope_estate
from isms.models.audit import AuditAction
from isms.views.generic import Export, ObjectListView


def _form_errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Accounts ------------------------------------------------------------------------------


class AccountList(ObjectListView):
    """Connected accounts with their connection state and last sync."""

    filterset_class = AwsAccountFilterSet
    template_name = "assets/aws/account_list.html"
    permission_required = "assets.view_awsaccount"

    def get_queryset(self, request):
        last_run = SyncRun.objects.filter(account=OuterRef("pk")).order_by("-created_at", "-id")
        return AwsAccount.objects.annotate(
            last_run_status=Subquery(last_run.values("status")[:1]),
            last_run_at=Subquery(last_run.values("created_at")[:1]),
            live_resources=Count("resources", filter=Q(resources__gone_since__isnull=True)),
        ).order_by("name")

    def get_extra_context(self, request, filterset, page) -> dict:
        # Accounts and regions of the estate that the approved scope does not list.
        return {"outside_scope": scope_estate.outside_scope()}


account_list = AccountList.as_view()


# Changing where the connector reads (account, role, ExternalId) is sensitive: the
# password must have been typed recently (isms.reauth), as for API tokens.
@permission_required("assets.add_awsaccount", raise_exception=True)
@reauth.reauth_required
def account_create(request):
    form = AwsAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.aws_account_create(user=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _form_errors(exc))
        else:
            messages.success(
                request,
                _(
                    "Account connected. Create its role with the CloudFormation template, "
                    "then test the connection."
                ),
            )
            return redirect(account)
    return render(request, "assets/aws/account_form.html", {"form": form, "account": None})


@permission_required("assets.change_awsaccount", raise_exception=True)
@reauth.reauth_required
def account_edit(request, pk):
    account = get_object_or_404(AwsAccount, pk=pk)
    # The form validates a copy: `account` stays as stored, for the audit trail's "before".
    form = AwsAccountForm(request.POST or None, instance=AwsAccount.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.aws_account_update(account=account, user=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _form_errors(exc))
        else:
            messages.success(request, _("Account saved."))
            return redirect(account)
    return render(request, "assets/aws/account_form.html", {"form": form, "account": account})


@permission_required("assets.view_awsaccount", raise_exception=True)
def account_detail(request, pk):
    account = get_object_or_404(AwsAccount, pk=pk)
    runs = account.sync_runs.select_related("requested_by")[:10]
    by_service = (
        account.resources.live()
        .values("service__code", "service__name", "service__layer")
        .annotate(count=Count("id"))
        .order_by("service__name")
    )
    return render(
        request,
        "assets/aws/account_detail.html",
        {
            "account": account,
            "runs": runs,
            "last_run": runs[0] if runs else None,
            "by_service": by_service,
            "gone": account.resources.filter(gone_since__isnull=False).count(),
            "content_type": ContentType.objects.get_for_model(AwsAccount),
        },
    )


@permission_required("assets.change_awsaccount", raise_exception=True)
@require_POST
def account_test(request, pk):
    """Assume the role and ask STS who we are; the outcome shows on the account page."""
    account = get_object_or_404(AwsAccount, pk=pk)
    services.aws_account_test_connection(account=account)
    level = messages.SUCCESS if account.connection_status == "ok" else messages.ERROR
    messages.add_message(request, level, account.connection_message)
    return redirect(account)


@permission_required("assets.add_syncrun", raise_exception=True)
@require_POST
def account_sync(request, pk):
    """Start a sync (or join the one running) and show its live progress."""
    account = get_object_or_404(AwsAccount, pk=pk)
    try:
        run, created = services.aws_account_sync(account=account, requested_by=request.user)
    except ValidationError as exc:
        messages.error(request, _form_errors(exc))
        return redirect(account)
    if not created:
        messages.info(request, _("A sync of this account is already under way: here it is."))
    return redirect(run)


@permission_required("assets.view_awsaccount", raise_exception=True)
@uploads.download_rate_limit
def account_template(request, pk):
    """The CloudFormation template creating this account's read-only role."""
    account = get_object_or_404(AwsAccount, pk=pk)
    audit.record(account, AuditAction.DOWNLOAD, message="Role template downloaded.")
    security_log.log_download(request, what="aws-role-template", fmt="json", obj=account)
    response = HttpResponse(cloudformation.role_template(account), content_type="application/json")
    return uploads.download_headers(response, f"isms-reader-role-{account.account_id}.json")


# --- Organizations and the account strategy ---------------------------------------------


@permission_required("assets.view_awsaccount", raise_exception=True)
def account_strategy(request):
    """The account strategy: every connected account grouped by organisation and OU,
    then by environment, with the organisations' state."""
    accounts = AwsAccount.objects.select_related("organization").order_by(
        "organization__name", "ou_path", "environment", "name"
    )
    groups: dict[tuple, dict[str, list]] = {}
    for account in accounts:
        key = (
            account.organization.name if account.organization else "",
            account.ou_path if account.organization else "",
        )
        groups.setdefault(key, {}).setdefault(account.get_environment_display(), []).append(account)
    return render(
        request,
        "assets/aws/account_strategy.html",
        {
            "organizations": AwsOrganization.objects.select_related("management_account"),
            "groups": [
                {"organization": org, "ou_path": ou, "environments": sorted(envs.items())}
                for (org, ou), envs in groups.items()
            ],
        },
    )


@permission_required("assets.add_awsorganization", raise_exception=True)
@reauth.reauth_required
def organization_create(request):
    form = AwsOrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.aws_organization_create(
                user=request.user, data=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, _form_errors(exc))
        else:
            messages.success(
                request,
                _(
                    "Organisation connected. Deploy the StackSet template to its members, "
                    "then sync the organisation."
                ),
            )
            return redirect(organization)
    return render(
        request, "assets/aws/organization_form.html", {"form": form, "organization": None}
    )


@permission_required("assets.change_awsorganization", raise_exception=True)
@reauth.reauth_required
def organization_edit(request, pk):
    organization = get_object_or_404(AwsOrganization, pk=pk)
    form = AwsOrganizationForm(request.POST or None, instance=AwsOrganization.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.aws_organization_update(
                organization=organization, user=request.user, data=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, _form_errors(exc))
        else:
            messages.success(request, _("Organisation saved."))
            return redirect(organization)
    return render(
        request, "assets/aws/organization_form.html", {"form": form, "organization": organization}
    )


@permission_required("assets.view_awsorganization", raise_exception=True)
def organization_detail(request, pk):
    organization = get_object_or_404(
        AwsOrganization.objects.select_related("management_account"), pk=pk
    )
    return render(
        request,
        "assets/aws/organization_detail.html",
        {
            "organization": organization,
            "members": organization.accounts.order_by("ou_path", "name"),
            "content_type": ContentType.objects.get_for_model(AwsOrganization),
        },
    )


@permission_required("assets.add_syncrun", raise_exception=True)
@require_POST
def organization_sync(request, pk):
    """Discover the members again, then sync each enabled one (in the background)."""
    organization = get_object_or_404(AwsOrganization, pk=pk)
    if not organization.enabled:
        messages.error(request, _("This organisation is disabled: enable it to sync."))
        return redirect(organization)
    services.aws_organization_sync_queue(organization=organization, requested_by=request.user)
    messages.success(
        request,
        _("Discovery and the member syncs are queued: the members and their syncs appear here."),
    )
    return redirect(organization)


@permission_required("assets.view_awsorganization", raise_exception=True)
@uploads.download_rate_limit
def organization_template(request, pk):
    """The CloudFormation StackSet template creating the member accounts' role."""
    organization = get_object_or_404(AwsOrganization, pk=pk)
    audit.record(organization, AuditAction.DOWNLOAD, message="StackSet template downloaded.")
    security_log.log_download(request, what="aws-stackset-template", fmt="json", obj=organization)
    response = HttpResponse(
        cloudformation.stackset_template(organization), content_type="application/json"
    )
    return uploads.download_headers(response, f"isms-reader-stackset-{organization.pk}.json")


# --- Sync runs -------------------------------------------------------------------------------


class SyncRunList(ObjectListView):
    """Sync history, with errors."""

    queryset = SyncRun.objects.select_related("account", "requested_by")
    filterset_class = SyncRunFilterSet
    template_name = "assets/aws/sync_run_list.html"
    permission_required = "assets.view_syncrun"


sync_run_list = SyncRunList.as_view()


def _run_context(pk):
    run = get_object_or_404(SyncRun.objects.select_related("account", "requested_by"), pk=pk)
    return {"run": run, "partitions": run.partitions.all()}


@permission_required("assets.view_syncrun", raise_exception=True)
def sync_run_detail(request, pk):
    return render(request, "assets/aws/sync_run_detail.html", _run_context(pk))


@permission_required("assets.view_syncrun", raise_exception=True)
def sync_run_progress(request, pk):
    """The progress fragment the run page polls (htmx) while the run is active."""
    return render(request, "assets/aws/partials/sync_progress.html", _run_context(pk))


# --- Resources -------------------------------------------------------------------------------


EXPORT_HEADER = [
    "arn",
    "account",
    "region",
    "service",
    "type",
    "name",
    "layer",
    "assets",
    "first seen",
    "last seen",
    "gone since",
]


def _resource_rows(resources):
    for r in resources.iterator(chunk_size=2000):
        yield [
            r.arn,
            r.account.account_id,
            r.region,
            r.service.code,
            r.resource_type,
            r.name,
            r.service.layer,
            " ".join(a.ref for a in r.assets.all()),
            r.first_seen,
            r.last_seen,
            r.gone_since,
        ]


class ResourceList(ObjectListView):
    """Resources with filters; ?export=csv downloads the filtered list."""

    queryset = AwsResource.objects.select_related("account", "service").prefetch_related(
        Prefetch("assets", queryset=Asset.objects.only("pk", "ref", "name"))
    )
    filterset_class = AwsResourceFilterSet
    template_name = "assets/aws/resource_list.html"
    permission_required = "assets.view_awsresource"
    export = Export(
        title="AWS resources",
        filename="aws-resources",
        what="aws-resources",
        permission="assets.export_asset",
        header=EXPORT_HEADER,
        rows=_resource_rows,
    )


resource_list = ResourceList.as_view()


@permission_required("assets.view_awsresource", raise_exception=True)
def resource_detail(request, pk):
    resource = get_object_or_404(
        AwsResource.objects.select_related("account", "service", "last_run"), pk=pk
    )
    resource_links = resource.links.select_related("asset", "rule").order_by("asset__ref")
    return render(
        request,
        "assets/aws/resource_detail.html",
        {
            "resource": resource,
            "links": resource_links,
            "link_form": ResourceLinkForm(user=request.user),
            "can_link": selectors.may_link_any(request.user),
            "configuration": {k: v for k, v in resource.configuration.items() if k != "_errors"},
            "read_errors": resource.configuration.get("_errors", {}),
            "content_type": ContentType.objects.get_for_model(AwsResource),
        },
    )


@require_POST
def resource_link(request, pk):
    form = ResourceLinkForm(request.POST, user=request.user)
    # The form offers the assets the user may link to; none at all means no right to
    # link, which is a 403 rather than a validation error.
    if not form.fields["asset"].queryset.exists():
        raise PermissionDenied
    # Only a resource the user may see: another's is "not found", like a missing one.
    resource = get_object_or_404(asset_perms.visible_resources(request.user), pk=pk)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(resource)
    asset = form.cleaned_data["asset"]
    if not selectors.may_link(request.user, asset):
        raise PermissionDenied
    links.aws_resource_link(resource=resource, asset=asset)
    messages.success(request, _("Linked to %(asset)s.") % {"asset": asset})
    return redirect(resource)


@require_POST
def resource_unlink(request, pk, asset_pk):
    if not selectors.may_link_any(request.user):
        raise PermissionDenied
    resource = get_object_or_404(asset_perms.visible_resources(request.user), pk=pk)
    asset = get_object_or_404(asset_perms.visible_assets(request.user), pk=asset_pk)
    if not selectors.may_link(request.user, asset):
        raise PermissionDenied
    try:
        links.aws_resource_unlink(resource=resource, asset=asset)
    except ValidationError as exc:
        messages.error(request, _form_errors(exc))
    else:
        messages.success(request, _("Unlinked from %(asset)s.") % {"asset": asset})
    if request.POST.get("next") == "asset":
        return redirect(asset)
    return redirect(resource)


# --- The asset page's panel ------------------------------------------------------------------


def _asset_or_404(request, pk):
    asset = get_object_or_404(Asset, pk=pk)
    if not asset_perms.can_view_asset(request.user, asset):
        raise Http404
    return asset


def _panel(request, asset, form=None):
    context = selectors.asset_panel(request.user, asset)
    return render(request, "assets/aws/partials/asset_panel.html", {**context, "form": form})


def asset_panel(request, pk):
    """The live AWS resources of an asset (loaded into the asset page with htmx)."""
    return _panel(request, _asset_or_404(request, pk))


@require_POST
def asset_link(request, pk):
    asset = _asset_or_404(request, pk)
    if not selectors.may_link(request.user, asset):
        raise PermissionDenied
    form = AssetLinkForm(request.POST, user=request.user)
    if form.is_valid():
        links.aws_resource_link(resource=form.cleaned_data["resource"], asset=asset)
        form = None
    if request.htmx:
        return _panel(request, asset, form)
    if form is not None:
        messages.error(request, _("Choose a live resource to link."))
    return redirect(asset)


# --- Link rules --------------------------------------------------------------------------


class RuleList(ObjectListView):
    """The rules that link resources to assets, with the number of links each made."""

    queryset = (
        AwsLinkRule.objects.select_related("asset", "account")
        .annotate(linked=Count("links"))
        .order_by("name")
    )
    filterset_class = AwsLinkRuleFilterSet
    template_name = "assets/aws/rule_list.html"
    permission_required = "assets.view_awslinkrule"


rule_list = RuleList.as_view()


@permission_required("assets.add_awslinkrule", raise_exception=True)
def rule_create(request):
    form = AwsLinkRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        links.aws_link_rule_create(**form.cleaned_data)
        messages.success(request, _("Rule saved and applied to every live resource."))
        return redirect("assets:aws_rule_list")
    return render(request, "assets/aws/rule_form.html", {"form": form, "rule": None})


@permission_required("assets.change_awslinkrule", raise_exception=True)
def rule_edit(request, pk):
    rule = get_object_or_404(AwsLinkRule, pk=pk)
    # The form validates a copy: `rule` stays as stored, for the audit trail's "before".
    form = AwsLinkRuleForm(request.POST or None, instance=AwsLinkRule.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        links.aws_link_rule_update(rule=rule, **form.cleaned_data)
        messages.success(request, _("Rule saved and applied to every live resource."))
        return redirect("assets:aws_rule_list")
    return render(request, "assets/aws/rule_form.html", {"form": form, "rule": rule})


@permission_required("assets.delete_awslinkrule", raise_exception=True)
@require_POST
def rule_delete(request, pk):
    rule = get_object_or_404(AwsLinkRule, pk=pk)
    links.aws_link_rule_delete(rule=rule)
    messages.success(request, _("Rule deleted, with the links it made."))
    return redirect("assets:aws_rule_list")
