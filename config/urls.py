from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from config.api.errors import api_not_found
from config.health import healthz
from governance.metrics import metrics

api_v1 = [
    path("", include("governance.apis.urls")),
    path("", include("recognition.apis.urls")),
    path("", include("complaints.apis.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/v1/", include(api_v1)),
    # Anything else under /api/ is a JSON 404, never an HTML page.
    re_path(r"^api/", api_not_found),
    path("", include("recognition.urls")),
    path("", include("complaints.urls")),
    path("", include("governance.urls")),
]
