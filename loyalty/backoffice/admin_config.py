"""The admin app with the program's own site (`LoyaltyAdminSite`) as `admin.site`."""

from django.contrib.admin.apps import AdminConfig


class LoyaltyAdminConfig(AdminConfig):
    default_site = "loyalty.backoffice.admin_site.LoyaltyAdminSite"
