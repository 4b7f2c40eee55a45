"""The staff desk's forms: find a member, record a purchase, return lines, adjust a balance,
look up and void a voucher.

They parse and bound the input only; every rule of the program lives in the services, whose
domain errors the views put back on these forms.
"""

import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from loyalty.models import ProductCategory, PurchaseLine
from loyalty.services import BasketLine, ReturnRequest

# Bounds that keep nonsense out of the services; the services still enforce the real rules.
MAX_DESK_LINES = 50
MAX_LINE_QUANTITY = 100_000
MAX_LINE_AMOUNT = Decimal("999999.99")
MAX_ADJUSTMENT = 1_000_000

# Sent only by a confirmation page's own button (`confirm=void`, `return`, `redeem`,
# `void_redemption`, `void_voucher`): a POST without it, such as the old one-tap forms, is
# answered with the confirmation page.
CONFIRM_FIELD = "confirm"


def confirmed(request, action: str) -> bool:
    """Only the confirmation page's own button sends `confirm=<action>`: any other POST (the
    old one-tap form, a replayed link, a forged value) is answered with the confirmation page."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == action


_DESK_KEY = RegexValidator(r"^desk-[0-9a-f]{32}\Z", _("This form has expired; open it again."))


def desk_key_new() -> str:
    """A fresh key for one rendering of a form, so submitting it twice does the work once."""
    return f"desk-{uuid.uuid4().hex}"


def _desk_key_field() -> forms.CharField:
    return forms.CharField(widget=forms.HiddenInput, max_length=37, validators=[_DESK_KEY])


class PurchaseForm(forms.Form):
    """The purchase as a whole; its lines come from `PurchaseLineFormSet`."""

    receipt_number = forms.CharField(
        label=_("Receipt number"),
        max_length=100,
        required=False,
        help_text=_("Optional: the number on the till receipt. A receipt earns points only once."),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "spellcheck": "false",
                "enterkeyhint": "next",
            }
        ),
    )
    receipt_key = _desk_key_field()

    def external_id(self) -> str:
        """The till's receipt number when given, else the key this form was rendered with."""
        return self.cleaned_data["receipt_number"].strip() or self.cleaned_data["receipt_key"]


class PurchaseLineForm(forms.Form):
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "next"}),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ProductCategory.objects.all(),
        required=False,
        empty_label=_("No category"),
    )
    quantity = forms.IntegerField(
        label=_("Quantity"),
        initial=1,
        min_value=1,
        max_value=MAX_LINE_QUANTITY,
        error_messages={
            "min_value": _("Enter a quantity of at least 1."),
            "max_value": _("Enter a quantity of at most %(limit_value)s."),
            "invalid": _("Enter a whole number."),
            "required": _("Enter a quantity."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    amount = forms.DecimalField(
        label=_("Line total"),
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_LINE_AMOUNT,
        error_messages={
            "min_value": _("Enter an amount above zero."),
            "max_value": _("Enter an amount of at most %(limit_value)s."),
            "invalid": _("Enter an amount such as 12.50."),
            "required": _("Enter the line's amount."),
            "max_decimal_places": _("Enter at most two decimals."),
        },
        widget=forms.NumberInput(
            attrs={"inputmode": "decimal", "step": "0.01", "min": "0.01", "enterkeyhint": "next"}
        ),
    )

    def basket_line(self) -> BasketLine:
        return BasketLine(
            amount=self.cleaned_data["amount"],
            quantity=self.cleaned_data["quantity"],
            category=self.cleaned_data["category"],
            description=self.cleaned_data["description"].strip(),
        )


class BasePurchaseLineFormSet(forms.BaseFormSet):
    """Blank lines are skipped; at least one line must be filled in."""

    default_error_messages = {
        "missing_management_form": _("This form has expired; open it again."),
        "too_many_forms": ngettext_lazy(
            "A purchase has at most %(num)d line.", "A purchase has at most %(num)d lines.", "num"
        ),
    }

    def filled_forms(self) -> list[PurchaseLineForm]:
        return [form for form in self.forms if form.has_changed() and form.cleaned_data]

    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.filled_forms():
            raise forms.ValidationError(
                _("Enter at least one line with an amount."), code="empty_basket"
            )

    def basket_lines(self) -> list[BasketLine]:
        return [form.basket_line() for form in self.filled_forms()]

    def ready_basket_lines(self) -> list[BasketLine]:
        """The lines filled in without a mistake, for the preview while others are fixed.
        Call after `is_valid()`; on a valid formset these are `basket_lines()`."""
        return [
            form.basket_line()
            for form in self.forms
            if form.has_changed() and not form.errors and form.cleaned_data
        ]

    def line_errors(self) -> dict[str, str]:
        """Each line field's first error, by the field's name in the page (`lines-1-amount`)."""
        return {
            form.add_prefix(name): str(errors[0])
            for form in self.forms
            for name, errors in form.errors.items()
            if name != NON_FIELD_ERRORS
        }


PurchaseLineFormSet = forms.formset_factory(
    PurchaseLineForm,
    formset=BasePurchaseLineFormSet,
    extra=5,
    max_num=MAX_DESK_LINES,
    absolute_max=MAX_DESK_LINES,
    validate_max=True,
)
PURCHASE_LINES_PREFIX = "lines"


class PurchaseReturnForm(forms.Form):
    """One quantity per line of the purchase.

    Every line gets a field (even one with nothing left to return), so a second submission of
    the same form reaches the service, which answers it with the first return. Whether the
    quantities are still returnable is the service's call.
    """

    return_key = _desk_key_field()

    def __init__(self, *args, lines: list[PurchaseLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[self.field_name(line)] = forms.IntegerField(
                label=str(line),
                required=False,
                initial=0,
                min_value=0,
                max_value=line.quantity,
                error_messages={
                    "min_value": _("Enter 0 or more."),
                    "max_value": _("Only %(limit_value)s were bought."),
                    "invalid": _("Enter a whole number."),
                },
                widget=forms.NumberInput(
                    attrs={"inputmode": "numeric", "min": 0, "max": line.returnable_quantity}
                ),
            )

    @staticmethod
    def field_name(line: PurchaseLine) -> str:
        return f"line_{line.pk}"

    def rows(self) -> list[tuple[PurchaseLine, forms.BoundField]]:
        return [(line, self[self.field_name(line)]) for line in self.lines]

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if not self.errors and not self.return_requests():
            raise forms.ValidationError(
                _("Enter how many of at least one line come back."), code="nothing_returned"
            )
        return cleaned_data

    def returned_rows(self) -> list[tuple[PurchaseLine, int, forms.BoundField]]:
        """The lines coming back with their quantity, and every line's field (as a hidden
        input on the confirmation page, so confirming posts the same quantities again)."""
        return [
            (line, self.cleaned_data.get(self.field_name(line)) or 0, self[self.field_name(line)])
            for line in self.lines
        ]

    def return_requests(self) -> list[ReturnRequest]:
        return [
            ReturnRequest(line_id=line.pk, quantity=quantity)
            for line in self.lines
            if (quantity := self.cleaned_data.get(self.field_name(line)) or 0) > 0
        ]


class PointsAdjustForm(forms.Form):
    points = forms.IntegerField(
        label=_("Points"),
        min_value=-MAX_ADJUSTMENT,
        max_value=MAX_ADJUSTMENT,
        help_text=_("Positive adds points, negative (e.g. -50) takes them away."),
        error_messages={
            "invalid": _("Enter a whole number of points, e.g. 50 or -50."),
            "min_value": _("Enter at least %(limit_value)s."),
            "max_value": _("Enter at most %(limit_value)s."),
        },
        # A text box, not type=number: phone number pads often have no minus key.
        widget=forms.TextInput(attrs={"pattern": "-?[0-9]+", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("Recorded on the ledger; the member may see it in their history."),
        error_messages={"required": _("Give a reason for the adjustment.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    adjust_key = _desk_key_field()


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Card, voucher, phone, email or name"),
        max_length=254,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "enterkeyhint": "search",
            }
        ),
    )


class VoucherCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Voucher code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )


class VoucherVoidForm(VoucherCodeForm):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RedemptionVoidForm(forms.Form):
    reason = forms.CharField(max_length=255, required=False)
