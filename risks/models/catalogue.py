"""Step 4: the catalogues of threats and vulnerabilities that risks are built from."""

from django.db import models

from isms.validators import validate_single_line
from risks.choices import CatalogueSource


class Threat(models.Model):
    """Something that could harm an asset (ransomware, accidental deletion...)."""

    name = models.CharField(max_length=200, unique=True, validators=[validate_single_line])
    category = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    source = models.CharField(
        max_length=10, choices=CatalogueSource.choices, default=CatalogueSource.CUSTOM
    )
    is_active = models.BooleanField(default=True, help_text="Offered when creating risks.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Vulnerability(models.Model):
    """A weakness a threat could exploit (no MFA, public bucket, single AZ...)."""

    name = models.CharField(max_length=200, unique=True, validators=[validate_single_line])
    category = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    source = models.CharField(
        max_length=10, choices=CatalogueSource.choices, default=CatalogueSource.CUSTOM
    )
    is_active = models.BooleanField(default=True, help_text="Offered when creating risks.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "vulnerabilities"

    def __str__(self):
        return self.name
