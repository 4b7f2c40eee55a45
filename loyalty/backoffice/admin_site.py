"""The admin organised by task: the program manager's sections (Catalogue, Earning, Members,
Engagement, Stores and staff, Reports and activity) in that order, and a System section of the
internal tables (the ledger, lots, outbox, API keys …) that only superusers see.

Which model sits in which section is `SECTIONS`; a model registered with the admin and named in
no section lands in System, so a new internal table never appears among the everyday ones by
accident (tests/backoffice/test_admin_site.py checks every registered model is placed).
"""

from dataclasses import dataclass

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from loyalty.backoffice.dashboard import dashboard_figures
from loyalty.backoffice.review import REVIEW_PERMISSION
from loyalty.backoffice.views import REPORTS_PERMISSION
from loyalty.services.program import program_settings_get


@dataclass(frozen=True)
class Section:
    key: str
    name: str
    models: tuple[str, ...]


SECTIONS = (
    Section(
        "catalogue",
        _("Catalogue"),
        ("rewards.Reward", "rewards.RewardCategory", "rewards.Cause", "rewards.Redemption"),
    ),
    Section(
        "earning",
        _("Earning"),
        (
            "loyalty.EarningRule",
            "loyalty.ProductCategory",
            "loyalty.Tier",
            "loyalty.ProgramSettings",
        ),
    ),
    Section(
        "members",
        _("Members"),
        (
            "members.Member",
            "loyalty.PointsAccount",
            "loyalty.Purchase",
            "loyalty.TierChange",
        ),
    ),
    Section(
        "engagement",
        _("Engagement"),
        (
            "engagement.Challenge",
            "engagement.SurveyInvitation",
            "referrals.Referral",
            "referrals.ReferralCode",
            "referrals.ReferralSettings",
        ),
    ),
    Section("stores", _("Stores and staff"), ("loyalty.Store", "members.User")),
)
SYSTEM = Section("system", _("System"), ())

# The back office's own pages, shown as the "Reports and activity" section: (name, URL name,
# the permission that opens it).
BACK_OFFICE_PAGES = (
    (_("Reports"), "reports:index", REPORTS_PERMISSION),
    (_("Activity"), "activity:index", REPORTS_PERMISSION),
    (_("To review"), "review:index", REVIEW_PERMISSION),
)


def section_of(label: str) -> Section:
    """The section a model (`app_label.ModelName`) is listed in; System if none names it."""
    for section in SECTIONS:
        if label in section.models:
            return section
    return SYSTEM


def _program_name() -> str:
    return program_settings_get().program_name


class SystemOnlyMixin:
    """A System table's admin: superusers only, whatever a group's permissions say (the back
    office's own pages read the ledger with `view_pointsentry`; its admin table is internal)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class LoyaltyAdminSite(admin.AdminSite):
    """Django's admin with the program's name on it, sections by task and a dashboard."""

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        """Register as Django does; a model of no section (System) gets `SystemOnlyMixin`,
        also the apps' own (auth's groups, allauth's email addresses and authenticators)."""
        models = (
            model_or_iterable
            if isinstance(model_or_iterable, list | tuple)
            else [model_or_iterable]
        )
        for model in models:
            model_admin = admin_class or admin.ModelAdmin
            if section_of(model._meta.label) is SYSTEM:
                model_admin = type(model_admin.__name__, (SystemOnlyMixin, model_admin), {})
            super().register(model, model_admin, **options)

    site_title = lazy(_program_name, str)()
    site_header = lazy(_program_name, str)()
    index_title = _("Today")
    index_template = "admin/loyalty_index.html"

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        """By task for the index and the side bar; one app's own page keeps Django's list."""
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        models = {
            f"{app['app_label']}.{model['object_name']}": model
            for app in apps
            for model in app["models"]
        }
        sections = []
        for section in (*SECTIONS, SYSTEM):
            if section is SYSTEM:
                if not request.user.is_superuser:
                    continue
                labels = sorted(
                    (label for label in models if section_of(label) is SYSTEM),
                    key=lambda label: str(models[label]["name"]),
                )
            else:
                labels = [label for label in section.models if label in models]
            entries = [models[label] for label in labels]
            if entries:
                sections.append(_section(section.key, section.name, entries))
        pages = self.back_office_pages(request)
        if pages:
            sections.insert(len(SECTIONS), _section("reports", _("Reports and activity"), pages))
        return sections

    def back_office_pages(self, request: HttpRequest) -> list[dict]:
        """The pages under /manage/ the user may open, in the app list's shape."""
        return [
            {
                "name": name,
                "object_name": url_name.split(":")[0],
                "admin_url": reverse(url_name),
                "add_url": None,
                "view_only": True,
                "perms": {"view": True},
                "page": True,
            }
            for name, url_name, permission in BACK_OFFICE_PAGES
            if request.user.has_perm(permission)
        ]

    def index(self, request: HttpRequest, extra_context: dict | None = None):
        context = {"dashboard": dashboard_figures(user=request.user), **(extra_context or {})}
        return super().index(request, extra_context=context)


def _section(key: str, name: str, models: list[dict]) -> dict:
    # The keys Django's app_list.html reads; a section has no page of its own (no app_url).
    return {
        "name": name,
        "app_label": key,
        "app_url": "",
        "has_module_perms": True,
        "models": models,
        "section": True,
    }
