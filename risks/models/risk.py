"""Steps 4 to 6: the risk register, its treatment plans and management acceptances."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from isms.models.approvals import ApprovableModel
from isms.validators import validate_single_line
from risks.choices import ActionStatus, RiskStatus, TreatmentOption
from risks.models.catalogue import Threat, Vulnerability
from risks.models.methodology import MethodologyVersion
from risks.scoring import canonical_json


def format_ref(number: int) -> str:
    return f"R-{number:03d}"


class Risk(models.Model):
    """One risk: assets threatened by a threat exploiting a vulnerability, its owner, its
    inherent and residual scores under the active methodology, its $ exposure and its
    treatment.

    `findings` are the security-check results (assets/aws/checks/) the risk was built
    from or linked to; when all of them are resolved the risk asks for a review
    (`risks.selectors.with_findings_summary`).

    Levels and $ figures are derived (by `risks.services`), never typed in: the level
    from the methodology's matrix, `sle_usd` = value at stake of the assets x exposure
    factor of the impact, `ale_usd` = SLE x annual rate of occurrence of the likelihood.
    `version` grows with every change, so a save based on an older version is refused.
    """

    number = models.PositiveIntegerField(unique=True, editable=False)
    ref = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=300, validators=[validate_single_line])
    description = models.TextField(blank=True)
    assets = models.ManyToManyField("assets.Asset", related_name="risks")
    findings = models.ManyToManyField(
        "assets.Finding",
        blank=True,
        related_name="risks",
        help_text="Security-check findings that evidence this risk (see risks.selectors for "
        "the review flag raised when all of them are resolved).",
    )
    threat = models.ForeignKey(
        Threat, on_delete=models.PROTECT, null=True, blank=True, related_name="risks"
    )
    vulnerability = models.ForeignKey(
        Vulnerability, on_delete=models.PROTECT, null=True, blank=True, related_name="risks"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_risks",
    )
    status = models.CharField(
        max_length=20, choices=RiskStatus.choices, default=RiskStatus.IDENTIFIED, db_index=True
    )
    review_date = models.DateField(null=True, blank=True)

    # Analysis (step 5), under `methodology_version`.
    methodology_version = models.ForeignKey(
        MethodologyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    inherent_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    inherent_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    inherent_level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Rank of the level in the methodology (1 = lowest)."
    )
    value_at_stake_usd = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        default=0,
        help_text="Own value of the distinct assets at stake (its assets and their dependents).",
    )
    exposure_factor = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    aro = models.DecimalField(
        "annual rate of occurrence", max_digits=8, decimal_places=4, null=True, blank=True
    )
    sle_usd = models.DecimalField(
        "single loss expectancy ($)", max_digits=18, decimal_places=2, null=True, blank=True
    )
    ale_usd = models.DecimalField(
        "annual loss expectancy ($)", max_digits=18, decimal_places=2, null=True, blank=True
    )

    # Treatment (step 6).
    treatment = models.CharField(max_length=10, choices=TreatmentOption.choices, blank=True)
    treatment_justification = models.TextField(blank=True)
    controls = models.ManyToManyField("isms.Control", blank=True, related_name="treating_risks")
    residual_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_level = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_exposure_factor = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True
    )
    residual_aro = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    residual_ale_usd = models.DecimalField(
        "residual ALE ($)", max_digits=18, decimal_places=2, null=True, blank=True
    )
    accepted_until = models.DateField(
        null=True, blank=True, help_text="Expiry of the current management acceptance."
    )

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The last editor.",
    )

    class Meta:
        ordering = ["number"]
        indexes = [
            models.Index(fields=["ale_usd"], name="risks_risk_ale_idx"),
            models.Index(fields=["inherent_level"], name="risks_risk_ilevel_idx"),
            models.Index(fields=["residual_level"], name="risks_risk_rlevel_idx"),
            models.Index(
                fields=["inherent_likelihood", "inherent_impact"], name="risks_risk_icell_idx"
            ),
            models.Index(
                fields=["residual_likelihood", "residual_impact"], name="risks_risk_rcell_idx"
            ),
            models.Index(fields=["review_date"], name="risks_risk_review_idx"),
        ]
        permissions = [
            ("export_risk", "Can export the risk register"),
        ]

    def __str__(self):
        return f"{self.ref} {self.title}"

    def save(self, *args, **kwargs):
        if self.number and not self.ref:
            self.ref = format_ref(self.number)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("risks:risk_detail", args=[self.pk])


class TreatmentAction(models.Model):
    """One action of a risk's treatment plan: what, who, by when, and where it stands."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField("what", max_length=300, validators=[validate_single_line])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_actions",
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.title


class RiskAcceptance(ApprovableModel):
    """A request that management accept a risk's residual level until an expiry date.

    It goes through the ISMS approval workflow; nobody who owns or last edited the risk
    may approve it. Once approved the risk becomes "accepted" until `expires_on`, after
    which it comes back for review. Kept for the record, never edited.
    """

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="acceptances")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField()
    justification = models.TextField()
    residual_likelihood = models.PositiveSmallIntegerField(null=True)
    residual_impact = models.PositiveSmallIntegerField(null=True)
    residual_level = models.PositiveSmallIntegerField(null=True)
    residual_ale_usd = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    methodology_version = models.ForeignKey(
        MethodologyVersion, on_delete=models.PROTECT, null=True, related_name="+"
    )
    risk_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    risk_last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Acceptance of {self.risk.ref} until {self.expires_on}"

    @property
    def is_expired(self) -> bool:
        # Derived, never stored: an approved acceptance is frozen (a PostgreSQL trigger
        # refuses any later write to it).
        return self.expires_on < timezone.localdate()

    def canonical_json(self) -> str:
        """What management approves: the risk, its residual level, the expiry and why,
        who owns it, and the risk as it stands now. The live part makes the hash change
        when the risk is rescored or changes owner during the review, so the workflow
        refuses a decision on an acceptance that no longer describes the risk."""
        risk = self.risk
        use_residual = risk.residual_level is not None
        return canonical_json(
            {
                "risk_owner": self.risk_owner_id,
                "risk_now": {
                    "owner": risk.owner_id,
                    "likelihood": risk.residual_likelihood
                    if use_residual
                    else risk.inherent_likelihood,
                    "impact": risk.residual_impact if use_residual else risk.inherent_impact,
                    "level": risk.residual_level if use_residual else risk.inherent_level,
                    "methodology_version": risk.methodology_version_id,
                },
                "risk": self.risk.ref,
                "title": self.risk.title,
                "residual_likelihood": self.residual_likelihood,
                "residual_impact": self.residual_impact,
                "residual_level": self.residual_level,
                "residual_ale_usd": str(self.residual_ale_usd),
                "methodology_version": self.methodology_version_id,
                "expires_on": self.expires_on.isoformat(),
                "justification": self.justification,
            }
        )
