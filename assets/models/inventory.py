"""The asset inventory: assets, the dependencies between them, and the AWS services
they run on.

`Asset.value_at_stake_usd` is stored, indexed and maintained by the services in
`assets/services.py` inside the transaction that changes a value or a dependency (see
docs/assets.md, "Why value at stake is stored"). Nothing else writes it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assets.catalogue import LAYERS
from assets.choices import (
    CLASS_OF_CATEGORY,
    AssetCategory,
    AssetClass,
    ResponsibilityLayer,
    SecurityNeed,
)
from isms.validators import validate_single_line


class AwsService(models.Model):
    """One AWS service of the shipped catalogue (EC2, S3, IAM...), with its layer of the
    shared responsibility model and the duties that fall on the customer for it.

    Rows come from `assets/catalogue.py` (synchronised after every migrate); assets
    link to the services they depend on, and the AWS connector's resources name theirs.
    """

    code = models.SlugField(max_length=40, unique=True, help_text='e.g. "s3", "ec2", "rds"')
    name = models.CharField(max_length=100)
    layer = models.CharField(max_length=20, choices=ResponsibilityLayer.choices, db_index=True)
    description = models.CharField(max_length=300, blank=True)
    customer_responsibilities = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Duties specific to this service, on top of those of its layer."),
    )

    class Meta:
        ordering = ["layer", "name"]
        verbose_name = "AWS service"

    def __str__(self):
        return self.name

    @property
    def layer_customer_responsibilities(self) -> list[str]:
        return LAYERS[ResponsibilityLayer(self.layer)]["customer"]

    @property
    def aws_responsibilities(self) -> list[str]:
        return LAYERS[ResponsibilityLayer(self.layer)]["aws"]


class AssetQuerySet(models.QuerySet):
    def overdue(self, today=None):
        return self.filter(next_review_date__lt=today or timezone.localdate())


class Asset(models.Model):
    """Something of value to the organisation: an essential asset (business information,
    a process, an activity) or a support asset it relies on (hardware, software,
    personnel, a partner organisation), with its $ value, owner and security needs.

    Its value at stake is its own value plus the value of every asset that depends on it,
    directly or transitively, each counted once: what is lost if this asset fails.
    """

    ref = models.CharField(
        "reference",
        max_length=20,
        unique=True,
        help_text=_("Generated as A-001, A-002... when left empty; may be edited."),
    )
    name = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(blank=True)
    asset_class = models.CharField("class", max_length=20, choices=AssetClass.choices)
    category = models.CharField(max_length=30, choices=AssetCategory.choices)
    value_usd = models.DecimalField(
        "value ($)",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    value_at_stake_usd = models.DecimalField(
        "value at stake ($)",
        max_digits=16,
        decimal_places=2,
        default=Decimal("0"),
        editable=False,
        help_text=_("Own value plus the value of everything that depends on this asset."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_assets",
    )
    confidentiality = models.PositiveSmallIntegerField(
        choices=SecurityNeed.choices, default=SecurityNeed.MEDIUM
    )
    integrity = models.PositiveSmallIntegerField(
        choices=SecurityNeed.choices, default=SecurityNeed.MEDIUM
    )
    availability = models.PositiveSmallIntegerField(
        choices=SecurityNeed.choices, default=SecurityNeed.MEDIUM
    )
    business_unit = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=100, blank=True)
    tags = models.JSONField(default=list, blank=True, help_text=_("Free labels."))
    review_interval_days = models.PositiveIntegerField(
        "review interval (days)", default=365, validators=[MinValueValidator(1)]
    )
    next_review_date = models.DateField(null=True, blank=True)
    depends_on = models.ManyToManyField(
        "self",
        through="AssetDependency",
        through_fields=("dependent", "dependency"),
        symmetrical=False,
        related_name="dependents",
        blank=True,
        help_text=_("The assets this one needs in order to work."),
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="personnel_assets",
        help_text=_("For a personnel asset: the person it is (competence, roles, awareness)."),
    )
    aws_services = models.ManyToManyField(
        AwsService, related_name="assets", blank=True, verbose_name=_("AWS services")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssetQuerySet.as_manager()

    class Meta:
        ordering = ["ref"]
        permissions = [("export_asset", "Can export the asset inventory")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value_usd__gte=0), name="asset_value_usd_not_negative"
            ),
        ]
        # One (column, id) index per sortable column: the list page and the API page
        # by keyset on exactly that order (isms/pagination.py), in either direction,
        # so every page is an index range scan however deep. They also serve the
        # filters on these columns. (asset_class, value_at_stake_usd, id) serves the
        # most common view, one class sorted by value at stake.
        indexes = [
            models.Index(fields=["name", "id"], name="asset_name_id"),
            models.Index(fields=["asset_class", "id"], name="asset_class_id"),
            models.Index(fields=["category", "id"], name="asset_category_id"),
            models.Index(fields=["business_unit", "id"], name="asset_unit_id"),
            models.Index(fields=["value_usd", "id"], name="asset_value_id"),
            models.Index(fields=["value_at_stake_usd", "id"], name="asset_stake_id"),
            models.Index(fields=["next_review_date", "id"], name="asset_review_id"),
            models.Index(
                fields=["asset_class", "value_at_stake_usd", "id"], name="asset_class_stake_id"
            ),
        ]

    def __str__(self):
        return f"{self.ref} {self.name}"

    def get_absolute_url(self):
        return reverse("assets:asset_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.person_id is not None and self.category != AssetCategory.PERSONNEL:
            raise ValidationError(
                {"person": "Only a personnel asset is linked to a person."},
                code="person_not_personnel",
            )
        expected = CLASS_OF_CATEGORY.get(self.category)
        if self.asset_class and expected and expected != self.asset_class:
            raise ValidationError(
                {
                    "category": f"{self.get_category_display()} is a category of "
                    f"{expected.label.lower()} assets, not of "
                    f"{self.get_asset_class_display().lower()} ones."
                },
                code="category_class_mismatch",
            )

    @property
    def overdue(self) -> bool:
        return self.next_review_date is not None and self.next_review_date < timezone.localdate()


class AssetDependency(models.Model):
    """`dependent` needs `dependency` in order to work ("billing depends on the customer
    database"). Written only by the dependency services, which reject loops and keep
    value at stake correct; PROTECT on both sides so no delete removes one silently."""

    dependent = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="dependency_links")
    dependency = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="dependent_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "asset dependencies"
        constraints = [
            models.UniqueConstraint(
                fields=["dependent", "dependency"], name="asset_dependency_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(dependent=models.F("dependency")),
                name="asset_dependency_not_self",
            ),
        ]
        indexes = [models.Index(fields=["dependency", "dependent"], name="asset_dep_reverse")]

    def __str__(self):
        return f"{self.dependent_id} depends on {self.dependency_id}"
