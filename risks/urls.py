"""Pages of the risks app."""

app_name = "risks"
urlpatterns = []
