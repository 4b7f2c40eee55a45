from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from loyalty.views import healthz
from members.views import home

admin.site.site_header = settings.LOYALTY_PROGRAM_NAME + " administration"
admin.site.site_title = settings.LOYALTY_PROGRAM_NAME

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("members.urls")),
    path("staff/", include("members.staff_urls")),
    path("admin/", admin.site.urls),
]
