"""The AWS connector's records: connected accounts, the resources pulled from them,
sync runs with their per-partition results, and the rules that link resources to
assets.

Nothing here holds an AWS secret: an account is reached by assuming its `role_arn`
with its `external_id` from the worker's own credentials (see assets/aws/session.py).
"""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assets.choices import (
    AccountStrategy,
    AwsEnvironment,
    ConnectionStatus,
    LinkRuleKind,
    LinkSource,
    MembershipStatus,
    PartitionStatus,
    SyncStatus,
    SyncTrigger,
)
from assets.models.inventory import Asset, AwsService

ACCOUNT_ID_VALIDATOR = RegexValidator(r"^\d{12}$", "An AWS account id is exactly 12 digits.")
ROLE_ARN_RE = re.compile(r"^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")
REGION_RE = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d$")


def validate_role_arn(value: str) -> None:
    if not ROLE_ARN_RE.match(value or ""):
        raise ValidationError(
            "Enter the ARN of an IAM role, e.g. arn:aws:iam::123456789012:role/isms-reader."
        )


def validate_region(value: str) -> None:
    if not isinstance(value, str) or not REGION_RE.match(value):
        raise ValidationError(f"Not an AWS region: {value}.")


def normalise_ou_path(value: str) -> str:
    """An OU path as discovery writes it: names joined by " / ", starting at Root."""
    return " / ".join(part.strip() for part in str(value).split("/") if part.strip())


def validate_ou_path(value) -> None:
    if not isinstance(value, str) or normalise_ou_path(value).split(" / ")[0] != "Root":
        raise ValidationError(
            f"Not an OU path: {value}. Write it from the root, e.g. Root / Workloads / Prod."
        )


def ou_path_within(path: str, scope_path: str) -> bool:
    """Whether an account whose OU path is `path` lies in `scope_path` (that OU or one
    of its sub-OUs, at any depth)."""
    path, scope_path = normalise_ou_path(path), normalise_ou_path(scope_path)
    return path == scope_path or path.startswith(scope_path + " / ")


def new_external_id() -> str:
    """An ExternalId nobody can guess: 160 random bits, prefixed for recognition."""
    return "isms-" + secrets.token_hex(20)


ROLE_NAME_VALIDATOR = RegexValidator(
    r"^[\w+=,.@-]{1,64}$", "An IAM role name: up to 64 letters, digits and +=,.@_-."
)


class AwsOrganization(models.Model):
    """An AWS Organization connected once, through its management (or a delegated
    administrator) account: discovery lists its member accounts and organisational units
    and keeps one `AwsAccount` per member, each reached by assuming `member_role_name`
    in that member with this organisation's ExternalId (the StackSet template deploys
    that role to every member)."""

    name = models.CharField(max_length=100, unique=True)
    management_account = models.OneToOneField(
        "AwsAccount",
        on_delete=models.PROTECT,
        related_name="managed_organization",
        help_text=_(
            "The connected management or delegated administrator account whose "
            "role may call organizations:ListAccounts and ListParents."
        ),
    )
    member_role_name = models.CharField(
        "member role name",
        max_length=64,
        default="isms-manager-reader",
        validators=[ROLE_NAME_VALIDATOR],
        help_text=_("The read-only role the StackSet creates in every member account."),
    )
    external_id = models.CharField(
        "ExternalId",
        max_length=64,
        unique=True,
        default=new_external_id,
        editable=False,
        help_text=_("Generated; every member role's trust policy must require this value."),
    )
    organization_id = models.CharField("organization id", max_length=40, blank=True)
    regions = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Regions to pull in new members; empty means every enabled region."),
    )
    sync_interval_minutes = models.PositiveIntegerField(
        "sync interval (minutes)",
        default=360,
        validators=[MinValueValidator(15), MaxValueValidator(7 * 24 * 60)],
        help_text=_("How often the members are discovered again and synced."),
    )
    include_ous = models.JSONField(
        "OUs included",
        default=list,
        blank=True,
        help_text=_(
            "OU paths whose accounts (sub-OUs included) are synced, e.g. "
            "Root / Workloads; empty means every OU."
        ),
    )
    exclude_ous = models.JSONField(
        "OUs excluded",
        default=list,
        blank=True,
        help_text=_(
            "OU paths whose accounts (sub-OUs included) are never synced, even "
            "inside an included OU, e.g. Root / Workloads / Sandbox."
        ),
    )
    enabled = models.BooleanField(default=True, help_text=_("Disabled organisations never sync."))
    last_discovered_at = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    discovery_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "AWS organization"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("assets:aws_organization_detail", args=[self.pk])

    def member_role_arn(self, account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:role/{self.member_role_name}"

    def in_scope(self, ou_path: str) -> bool:
        """Whether a member in the OU `ou_path` is synced: inside an included OU (or no
        OU is included) and inside no excluded OU. The exclusion wins."""
        included = not self.include_ous or any(
            ou_path_within(ou_path, ou) for ou in self.include_ous
        )
        return included and not any(ou_path_within(ou_path, ou) for ou in self.exclude_ous)

    def clean(self):
        super().clean()
        errors = {}
        bad = [r for r in self.regions or [] if not isinstance(r, str) or not REGION_RE.match(r)]
        if bad:
            errors["regions"] = f"Not an AWS region: {', '.join(map(str, bad))}."
        for field in ("include_ous", "exclude_ous"):
            value = getattr(self, field)
            if not isinstance(value, list):
                errors[field] = "A list of OU paths."
                continue
            try:
                for path in value:
                    validate_ou_path(path)
            except ValidationError as error:
                errors[field] = error.messages[0]
                continue
            setattr(self, field, sorted({normalise_ou_path(p) for p in value}))
        if not errors:
            both = set(self.include_ous) & set(self.exclude_ous)
            if both:
                errors["exclude_ous"] = (
                    f"{', '.join(sorted(both))} cannot be both included and excluded."
                )
        if errors:
            raise ValidationError(errors)


class AwsAccount(models.Model):
    """An AWS account connected to the ISMS: which role to assume (with which ExternalId)
    to read it, which regions to pull, and how often. A member of a connected
    organisation shares the organisation's ExternalId and records its OU."""

    name = models.CharField(max_length=100, unique=True)
    account_id = models.CharField(
        "account id", max_length=12, unique=True, validators=[ACCOUNT_ID_VALIDATOR]
    )
    role_arn = models.CharField(
        "role ARN",
        max_length=2048,
        validators=[validate_role_arn],
        help_text=_("The read-only role this ISMS assumes (see the CloudFormation template)."),
    )
    external_id = models.CharField(
        "ExternalId",
        max_length=64,
        default=new_external_id,
        editable=False,
        help_text=_("Generated; the role's trust policy must require exactly this value."),
    )
    regions = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Regions to pull; empty means every region enabled for the account."),
    )
    organization = models.ForeignKey(
        AwsOrganization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        help_text=_("The organisation whose discovery found this account."),
    )
    membership_status = models.CharField(
        max_length=20, choices=MembershipStatus.choices, blank=True
    )
    ou_id = models.CharField("OU id", max_length=80, blank=True)
    ou_path = models.CharField(
        _("OU path"), max_length=1024, blank=True, help_text=_("Root / OU / sub-OU, by name.")
    )
    environment = models.CharField(
        max_length=20, choices=AwsEnvironment.choices, default=AwsEnvironment.PRODUCTION
    )
    strategy = models.CharField(
        "account strategy",
        max_length=20,
        choices=AccountStrategy.choices,
        default=AccountStrategy.SINGLE,
    )
    enabled = models.BooleanField(default=True, help_text=_("Disabled accounts never sync."))
    in_scope = models.BooleanField(
        "in the organisation's scope",
        default=True,
        help_text=_(
            "False for a member whose OU the organisation's scope leaves out: it is "
            "shown, never synced."
        ),
    )
    sync_interval_minutes = models.PositiveIntegerField(
        "sync interval (minutes)",
        default=360,
        validators=[MinValueValidator(15), MaxValueValidator(7 * 24 * 60)],
    )
    connection_status = models.CharField(
        max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.UNTESTED
    )
    connection_message = models.TextField(blank=True)
    connection_checked_at = models.DateTimeField(null=True, blank=True)
    last_sync_started_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "AWS account"
        constraints = [
            # Members of an organisation share its ExternalId; any other account has
            # its own.
            models.UniqueConstraint(
                fields=["external_id"],
                condition=models.Q(organization__isnull=True),
                name="awsaccount_own_external_id",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.account_id})"

    def get_absolute_url(self):
        return reverse("assets:aws_account_detail", args=[self.pk])

    def clean(self):
        super().clean()
        match = ROLE_ARN_RE.match(self.role_arn or "")
        if match and self.account_id and match.group(1) != self.account_id:
            raise ValidationError({"role_arn": "The role must belong to this account id."})
        bad = [r for r in self.regions or [] if not isinstance(r, str) or not REGION_RE.match(r)]
        if bad:
            raise ValidationError({"regions": f"Not an AWS region: {', '.join(map(str, bad))}."})


ACTIVE_SYNC_STATUSES = (SyncStatus.QUEUED, SyncStatus.RUNNING)


class SyncRun(models.Model):
    """One pull of one account: when, why, how far it got, and what it found.

    At most one run per account is queued or running (a database constraint, so two
    concurrent "Sync now" requests cannot both start one). `progress_at` moves with every
    finished partition; the reaper fails a run whose progress stopped (a dead worker).
    """

    account = models.ForeignKey(AwsAccount, on_delete=models.CASCADE, related_name="sync_runs")
    trigger = models.CharField(max_length=20, choices=SyncTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=SyncStatus.choices, default=SyncStatus.QUEUED, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)
    regions = models.JSONField(default=list, blank=True)
    partitions_total = models.PositiveIntegerField(default=0)
    partitions_done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(
        default=dict, blank=True, help_text="Per service: seen, new, updated, gone, returned."
    )
    error_code = models.CharField(max_length=100, blank=True)
    error_message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "sync run"
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_active_sync_per_account",
            )
        ]
        indexes = [models.Index(fields=["account", "-created_at"], name="syncrun_account_recent")]

    def __str__(self):
        return f"Sync #{self.pk} of {self.account.name}"

    def get_absolute_url(self):
        return reverse("assets:aws_sync_run_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_SYNC_STATUSES

    @property
    def percent(self) -> int:
        if not self.partitions_total:
            return 0
        return round(100 * self.partitions_done / self.partitions_total)


class SyncPartition(models.Model):
    """The result of one (account, region, service) of a run: one Celery task's work.

    Only a succeeded partition marks resources gone; a failed one records AWS's error
    code and a hint, and leaves the stored resources of that partition as they were.
    """

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="partitions")
    region = models.CharField(max_length=30)
    service = models.CharField(max_length=40)
    status = models.CharField(
        max_length=20, choices=PartitionStatus.choices, default=PartitionStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seen = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    gone = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    api_calls = models.JSONField(default=dict, blank=True)
    error_code = models.CharField(max_length=100, blank=True)
    error_message = models.TextField(blank=True)
    error_hint = models.TextField(blank=True)

    class Meta:
        ordering = ["service", "region"]
        verbose_name = "sync partition"
        constraints = [
            models.UniqueConstraint(
                fields=["run", "region", "service"], name="one_partition_per_run_region_service"
            )
        ]

    def __str__(self):
        return f"{self.service} in {self.region}"


class AwsResourceQuerySet(models.QuerySet):
    def live(self):
        return self.filter(gone_since__isnull=True)


class AwsResource(models.Model):
    """One resource of a connected account, keyed by its ARN, as the last successful
    sync of its partition saw it: the configuration the security checks read (they
    call no AWS API), its tags, when it was first and last seen, and since when it is
    gone. `partition_region` is the partition that collects it ("global" for IAM and S3,
    whose resources still carry their own `region`)."""

    account = models.ForeignKey(AwsAccount, on_delete=models.CASCADE, related_name="resources")
    arn = models.CharField("ARN", max_length=2048)
    service = models.ForeignKey(AwsService, on_delete=models.PROTECT, related_name="resources")
    resource_type = models.CharField(max_length=60, db_index=True)
    region = models.CharField(max_length=30, db_index=True)
    partition_region = models.CharField(max_length=30)
    name = models.CharField(max_length=512, blank=True)
    tags = models.JSONField(default=dict, blank=True)
    configuration = models.JSONField(default=dict, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    gone_since = models.DateTimeField(null=True, blank=True, db_index=True)
    last_run = models.ForeignKey(
        SyncRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assets = models.ManyToManyField(
        Asset, through="AwsResourceLink", related_name="aws_resources", blank=True
    )

    objects = AwsResourceQuerySet.as_manager()

    class Meta:
        ordering = ["service__code", "resource_type", "name", "id"]
        verbose_name = "AWS resource"
        constraints = [
            models.UniqueConstraint(fields=["account", "arn"], name="one_resource_per_account_arn")
        ]
        indexes = [
            models.Index(
                fields=["account", "partition_region", "service"], name="awsresource_partition"
            ),
        ]

    def __str__(self):
        return self.name or self.arn

    def get_absolute_url(self):
        return reverse("assets:aws_resource_detail", args=[self.pk])

    @property
    def layer(self) -> str:
        return self.service.layer


class AwsResourceLink(models.Model):
    """A resource linked to an asset that depends on it: by hand, by its `isms:asset`
    tag, or by a link rule. Tag and rule links follow the resource's current tags and
    the rules after every sync; links made by hand are never touched by a sync."""

    resource = models.ForeignKey(AwsResource, on_delete=models.CASCADE, related_name="links")
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="aws_resource_links")
    source = models.CharField(max_length=20, choices=LinkSource.choices)
    rule = models.ForeignKey(
        "AwsLinkRule", null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "AWS resource link"
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "asset"], name="one_link_per_resource_asset"
            )
        ]
        indexes = [models.Index(fields=["asset", "resource"], name="awslink_asset_resource")]

    def __str__(self):
        return f"{self.resource_id} -> {self.asset_id} ({self.source})"


class AwsLinkRule(models.Model):
    """Links every resource that matches to `asset`: a tag (key and value) or an ARN
    pattern with * and ? wildcards. Applied after every sync, on top of the built-in
    `isms:asset` tag rule."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=LinkRuleKind.choices)
    tag_key = models.CharField(max_length=128, blank=True)
    tag_value = models.CharField(max_length=256, blank=True)
    arn_pattern = models.CharField("ARN pattern", max_length=2048, blank=True)
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="aws_link_rules")
    account = models.ForeignKey(
        AwsAccount,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="link_rules",
        help_text=_("Empty: every account."),
    )
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "AWS link rule"

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.kind == LinkRuleKind.TAG and not (self.tag_key and self.tag_value):
            raise ValidationError("A tag rule needs a tag key and a tag value.")
        if self.kind == LinkRuleKind.ARN and not self.arn_pattern.startswith("arn:"):
            raise ValidationError({"arn_pattern": "An ARN pattern starts with arn:"})
