from django.contrib import admin

from isms.assurance.models import ControlTest, ControlTestResult


@admin.register(ControlTest)
class ControlTestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "method", "frequency", "tester", "next_due", "active"]
    list_filter = ["method", "frequency", "active"]
    search_fields = ["title", "implementation__control__identifier"]
    raw_id_fields = ["implementation", "tester"]


@admin.register(ControlTestResult)
class ControlTestResultAdmin(admin.ModelAdmin):
    list_display = ["test", "status", "due_date", "performed_on", "tester", "conclusion"]
    list_filter = ["status", "conclusion"]
    search_fields = ["test__title", "test__implementation__control__identifier", "remarks"]
    raw_id_fields = ["test", "tester"]
    filter_horizontal = ["evidence"]
