import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.identifiers import (
    PhoneNumberInvalid,
    digits_ascii,
    phone_has_digits,
    phone_to_e164,
)
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
        help_text=_(
            "Staff can find you by this number at the till once you confirm it with the code "
            "we text to it."
        ),
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
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        required=False,  # not sent: the language stays as it is
        help_text=_("Of these pages, and of the emails and notifications we send you."),
    )

    def __init__(self, *args, member: Member, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)

    def clean_phone(self) -> str:
        """E.164, or '' when the field was emptied. Whether another member has the number is
        never said here: the verification code decides (`members/phones.py`)."""
        raw = self.cleaned_data["phone"]
        if not raw.strip():
            return ""
        if not phone_has_digits(raw):
            # Not read as "no number": a slip of the keyboard must not erase the stored one.
            raise forms.ValidationError(
                _("A phone number is made of digits. To remove your number, empty the field.")
            )
        try:
            return phone_to_e164(raw)
        except PhoneNumberInvalid:
            raise forms.ValidationError(
                _(
                    "This is not a phone number we can send a text to. Type the whole number, "
                    "with its country code (such as +44) if it is from another country."
                )
            ) from None

    def clean_language(self) -> str | None:
        return self.cleaned_data["language"] or None

    def clean_birthday(self) -> datetime.date | None:
        birthday = self.cleaned_data["birthday"]
        if birthday is None:
            return None
        if birthday > timezone.localdate():
            raise forms.ValidationError(_("Your birthday cannot be in the future."))
        if birthday.year < 1900:
            raise forms.ValidationError(_("Enter a birthday after 1900."))
        return birthday


class PhoneCodeForm(forms.Form):
    """The code of the text message, as typed (spaces and any script's digits are fine)."""

    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(digits_ascii(self.cleaned_data["code"]).split())
        if len(code) != 6 or not code.isdigit() or not code.isascii():
            raise forms.ValidationError(_("Enter the 6 digits of the code."))
        return code
