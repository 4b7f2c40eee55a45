"""allauth's forms in the site's words (settings.ACCOUNT_FORMS): labels in sentence case, and no
placeholder repeating the label beside it. Apart from `members.forms` because allauth imports
that module (the sign-up form class) while its own forms are still being defined."""

from allauth.account import forms as account_forms
from django.utils.translation import gettext_lazy as _


class SiteWordsMixin:
    """Relabels the fields named in `labels` and drops every placeholder."""

    labels: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]


NEW_PASSWORD_LABELS = {"password1": _("New password"), "password2": _("New password (again)")}


class SignupForm(SiteWordsMixin, account_forms.SignupForm):
    pass


class LoginForm(SiteWordsMixin, account_forms.LoginForm):
    labels = {"remember": _("Keep me logged in")}


class ChangePasswordForm(SiteWordsMixin, account_forms.ChangePasswordForm):
    labels = {"oldpassword": _("Current password"), **NEW_PASSWORD_LABELS}


class ResetPasswordKeyForm(SiteWordsMixin, account_forms.ResetPasswordKeyForm):
    labels = NEW_PASSWORD_LABELS


class SetPasswordForm(SiteWordsMixin, account_forms.SetPasswordForm):
    pass


class ResetPasswordForm(SiteWordsMixin, account_forms.ResetPasswordForm):
    pass


class AddEmailForm(SiteWordsMixin, account_forms.AddEmailForm):
    pass


class ReauthenticateForm(SiteWordsMixin, account_forms.ReauthenticateForm):
    pass
