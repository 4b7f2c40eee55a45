import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.identifiers import phone_normalize
from members.models import Member
from referrals.codes import referral_code_normalize
from referrals.services import referral_code_find


class NameFields(forms.Form):
    """The member's name, as on sign-up and in the profile."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )


class SignupDetailsForm(NameFields):
    """Extra sign-up fields; allauth's adapter saves them on the user."""

    referral_code = forms.CharField(
        label=_("Referral code (optional)"),
        max_length=32,
        required=False,
        help_text=_("Got an invitation from a member? Enter their code."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    field_order = ["first_name", "last_name", "email", "password1", "password2", "referral_code"]

    def clean_referral_code(self) -> str:
        code = referral_code_normalize(self.cleaned_data.get("referral_code", ""))
        if code and referral_code_find(code=code) is None:
            raise forms.ValidationError(
                _("We don't know that referral code. Check it, or leave the field empty.")
            )
        return code

    def signup(self, request, user) -> None:
        """Nothing more to save: the adapter stored the names, created the member and
        recorded the referral."""


class ProfileForm(NameFields):
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        help_text=_("Staff can find you by this number at the till."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    birthday = forms.DateField(
        label=_("Birthday"),
        required=False,
        help_text=_("We like to send a little something on your birthday."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    reminder_emails = forms.BooleanField(
        label=_("Remind me before my points expire"), required=False
    )
    marketing_emails = forms.BooleanField(label=_("Send me news and offers"), required=False)

    def __init__(self, *args, member: Member, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)

    def clean_phone(self) -> str:
        phone = phone_normalize(self.cleaned_data["phone"])
        if not phone:
            return ""
        if not 6 <= len(phone.lstrip("+")) <= 15:
            raise forms.ValidationError(_("Enter a phone number of 6 to 15 digits."))
        taken = Member.objects.filter(phone=phone).exclude(pk=self.member.pk).exists()
        if taken:
            raise forms.ValidationError(
                _("This phone number belongs to another member. Ask staff for help.")
            )
        return phone

    def clean_birthday(self) -> datetime.date | None:
        birthday = self.cleaned_data["birthday"]
        if birthday is None:
            return None
        if birthday > timezone.localdate():
            raise forms.ValidationError(_("Your birthday cannot be in the future."))
        if birthday.year < 1900:
            raise forms.ValidationError(_("Enter a birthday after 1900."))
        return birthday
