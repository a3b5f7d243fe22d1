"""API serializers of frameworks: validation only; writes go through services."""

from rest_framework import serializers

from isms import reauth
from isms.frameworks import services
from isms.models import Control, ControlImplementation, Framework, SoA, User
from isms.models.soa import InclusionReason


class FrameworkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = [
            "id",
            "code",
            "name",
            "version",
            "publisher",
            "description",
            "source_format",
            "selected",
            "soa_basis",
            "updated_at",
        ]


class ControlSerializer(serializers.ModelSerializer):
    framework = serializers.SlugRelatedField(slug_field="code", read_only=True)
    group = serializers.SlugRelatedField(slug_field="identifier", read_only=True)
    mapped_to = serializers.SerializerMethodField()

    class Meta:
        model = Control
        fields = [
            "id",
            "framework",
            "identifier",
            "title",
            "description",
            "theme",
            "group",
            "kind",
            "withdrawn",
            "withdrawn_note",
            "mapped_to",
        ]

    def get_mapped_to(self, control) -> list[str]:
        return [
            f"{m.target.framework.code}:{m.target.identifier}" for m in control.mappings_out.all()
        ]


class ControlImplementationSerializer(serializers.ModelSerializer):
    control = serializers.SlugRelatedField(slug_field="identifier", read_only=True)
    framework = serializers.CharField(source="control.framework.code", read_only=True)
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=InclusionReason.choices), required=False
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )

    class Meta:
        model = ControlImplementation
        fields = ["id", "framework", "control", *services.IMPLEMENTATION_FIELDS, "updated_at"]
        read_only_fields = ["updated_at"]

    def update(self, instance, validated_data):
        return services.control_implementation_update(
            implementation=instance, user=self.context["request"].user, data=validated_data
        )


class SoASerializer(serializers.ModelSerializer):
    framework = serializers.SlugRelatedField(slug_field="code", read_only=True)
    frozen_by = serializers.StringRelatedField()
    current = serializers.BooleanField(source="is_current", read_only=True)

    class Meta:
        model = SoA
        fields = [
            "id",
            "number",
            "framework",
            "framework_name",
            "framework_version",
            "organisation",
            "content_hash",
            "summary",
            "frozen_by",
            "frozen_at",
            "approval_state",
            "approved_at",
            "approved_sha256",
            "current",
        ]
        read_only_fields = fields


class SoADecisionSerializer(serializers.Serializer):
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="The approver's password (re-authentication).",
    )
    confirmation_code = reauth.confirmation_code_field(default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
