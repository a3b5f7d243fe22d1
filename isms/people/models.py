"""People of the ISMS, their roles and competences (7.2), evidence of competence, and
awareness campaigns built on policy acknowledgements (7.3, Annex A 6.3)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from isms.people.choices import EvidenceKind
from isms.validators import validate_single_line


class Competence(models.Model):
    """A competence the ISMS needs (e.g. "AWS security", "Incident handling")."""

    name = models.CharField(
        _("name"), max_length=200, unique=True, validators=[validate_single_line]
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class IsmsRole(models.Model):
    """A role in the ISMS (e.g. "Security officer") and the competences it requires."""

    name = models.CharField(
        _("name"), max_length=200, unique=True, validators=[validate_single_line]
    )
    responsibilities = models.TextField(_("responsibilities"), blank=True)
    required_competences = models.ManyToManyField(Competence, blank=True, related_name="roles")

    class Meta:
        ordering = ["name"]
        verbose_name = "ISMS role"

    def __str__(self):
        return self.name


class Person(models.Model):
    """Someone who works under the organisation's control: linked to a user account when
    they have one; their personnel asset links to them (`Asset.person`, in `assets`)."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    email = models.EmailField(_("e-mail"), unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    roles = models.ManyToManyField(IsmsRole, blank=True, related_name="people")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name


class CompetenceRecord(models.Model):
    """Evidence that a person has a competence: a training, a certification, experience;
    with the date obtained and, for certifications, the expiry."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="records")
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(_("kind"), max_length=15, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    obtained_on = models.DateField(_("obtained on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    reminded_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["person__name", "-obtained_on"]

    def __str__(self):
        return f"{self.person}: {self.title}"

    def clean(self):
        dates = (self.obtained_on, self.expires_on)
        if all(isinstance(d, datetime.date) for d in dates) and dates[1] < dates[0]:
            raise ValidationError({"expires_on": _("The expiry is before the date obtained.")})


class AwarenessCampaign(models.Model):
    """An awareness campaign: which policy staff read and acknowledge, who (everyone or
    the holders of one ISMS role), by when. Completion comes from the acknowledgements."""

    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    policy = models.ForeignKey("isms.Policy", on_delete=models.PROTECT, related_name="+")
    audience_role = models.ForeignKey(
        IsmsRole,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: every active person."),
    )
    due_date = models.DateField(_("due date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_date"]

    def __str__(self):
        return self.title
