from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from loyalty.platform.ratelimit import admin_login_limited
from loyalty.views import healthz, robots_txt
from members.app_views import service_worker, web_manifest
from members.email_views import unsubscribe
from members.language_views import language_choose
from members.two_factor_views import two_factor_activate
from members.views import home
from referrals.views import SignupWithInvitationView

# allauth's log-in limits do not cover the admin's own log-in form.
admin.site.login = admin_login_limited(admin.site.login)

# 403 and 404 are Django's own views with templates/403.html and 404.html (rendered with the
# request, so the menu knows who is signed in); 400 and 500 need neither request nor database.
handler400 = "loyalty.views.bad_request"
handler500 = "loyalty.views.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("language/", language_choose, name="language_choose"),
    # The member's app; the worker at the root, to look after the whole site.
    path("manifest.webmanifest", web_manifest, name="web_manifest"),
    path("sw.js", service_worker, name="service_worker"),
    path("unsubscribe/<str:token>/", unsubscribe, name="unsubscribe"),
    path("", include("engagement.urls")),
    path("accounts/signup/", SignupWithInvitationView.as_view(), name="account_signup"),
    # Before allauth's own page at the same address: see members/two_factor_views.py.
    path("accounts/2fa/totp/activate/", two_factor_activate, name="mfa_activate_totp"),
    path("accounts/", include("allauth.urls")),
    path("", include("referrals.urls")),
    path("me/rewards/", include("rewards.member_urls")),
    path("me/", include("members.urls")),
    path("wallet/", include("members.wallet.urls")),
    path("rewards/", include("rewards.urls")),
    path("staff/", include("loyalty.desk.urls")),
    path("admin/", admin.site.urls),
    path("manage/reports/", include("loyalty.backoffice.report_urls")),
    path("manage/activity/", include("loyalty.backoffice.activity_urls")),
    path("manage/review/", include("loyalty.backoffice.review_urls")),
    path("api/v1/", include("loyalty.api.urls")),
]

if settings.DEBUG:
    # Uploaded reward images on a developer's machine; in production the web server serves
    # MEDIA_ROOT (see the README).
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
