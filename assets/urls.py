"""Pages of the assets app."""

app_name = "assets"
urlpatterns = []
