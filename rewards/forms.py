import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from rewards.models import Reward


class RedeemForm(forms.Form):
    """The confirmation step. The hidden key makes a double-clicked confirm redeem once."""

    steps = forms.IntegerField(label=_("How many"), min_value=1, initial=1)
    request_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This page has expired. Please confirm again."),
            "invalid": _("This page has expired. Please confirm again."),
        },
    )

    def __init__(self, *args, reward: Reward, **kwargs):
        super().__init__(*args, **kwargs)
        self.reward = reward
        self._fresh_key = uuid.uuid4()
        if not self.is_bound:
            self.initial["request_key"] = self._fresh_key
        if reward.allows_steps and reward.max_steps > 1:
            self.fields["steps"] = forms.IntegerField(
                label=_("How many"),
                min_value=1,
                max_value=reward.max_steps,
                initial=1,
                help_text=_("%(points)d points each, up to %(steps)d at once.")
                % {"points": reward.points_cost, "steps": reward.max_steps},
            )
        else:
            self.fields["steps"].widget = forms.HiddenInput()

    @property
    def most_steps(self) -> int:
        return self.reward.max_steps if self.reward.allows_steps else 1

    @property
    def page_request_key(self) -> str:
        """The key the re-shown page posts next: the one sent, unless it was missing or bad."""
        if self.is_bound and "request_key" not in self.errors:
            return str(self.cleaned_data.get("request_key") or self._fresh_key)
        return str(self._fresh_key)

    def clean_steps(self) -> int:
        steps = self.cleaned_data["steps"]
        if steps > self.most_steps:
            raise forms.ValidationError(
                _("Choose a number from 1 to %(max)d.") % {"max": self.most_steps}
            )
        return steps
