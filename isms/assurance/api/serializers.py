"""API serializers of control assurance: validation only; writes go through services."""

from rest_framework import serializers

from isms.assurance import services
from isms.assurance.choices import Conclusion
from isms.assurance.models import ControlTest, ControlTestResult
from isms.choices import EvidenceState
from isms.models import ControlImplementation, Evidence, User


class ControlTestSerializer(serializers.ModelSerializer):
    implementation = serializers.PrimaryKeyRelatedField(
        queryset=ControlImplementation.objects.all()
    )
    control = serializers.CharField(source="implementation.control.identifier", read_only=True)
    tester = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    next_due = serializers.DateField(required=False)

    class Meta:
        model = ControlTest
        fields = [
            "id",
            "implementation",
            "control",
            *services.TEST_FIELDS,
            "next_due",
            "active",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def create(self, validated_data):
        return services.control_test_save(
            user=self.context["request"].user,
            implementation=validated_data.pop("implementation"),
            data=validated_data,
        )

    def update(self, instance, validated_data):
        validated_data.pop("implementation", None)
        return services.control_test_save(
            user=self.context["request"].user, test=instance, data=validated_data
        )


class ControlTestResultSerializer(serializers.ModelSerializer):
    test = serializers.PrimaryKeyRelatedField(queryset=ControlTest.objects.all())
    control = serializers.CharField(source="test.implementation.control.identifier", read_only=True)
    tester = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(), many=True, required=False
    )
    pass_rate = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = ControlTestResult
        fields = [
            "id",
            "test",
            "control",
            "status",
            "due_date",
            "performed_on",
            "tester",
            "sample",
            "conclusion",
            "evidence",
            "remarks",
            "passed",
            "failed",
            "pass_rate",
            "created_at",
        ]
        read_only_fields = ["status", "due_date", "passed", "failed", "created_at"]

    def create(self, validated_data):
        return services.result_record(
            user=self.context["request"].user,
            test=validated_data.pop("test"),
            data=validated_data,
        )


class EvidenceSerializer(serializers.ModelSerializer):
    control = serializers.CharField(source="implementation.control.identifier", read_only=True)
    state = serializers.ChoiceField(choices=EvidenceState.choices, read_only=True)
    added_by = serializers.StringRelatedField()
    file = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "implementation",
            "control",
            "title",
            "kind",
            "url",
            "file",
            "added_by",
            "added_at",
            "valid_from",
            "valid_until",
            "state",
        ]
        read_only_fields = fields

    def get_file(self, obj) -> str:
        return obj.file.name if obj.file else ""
