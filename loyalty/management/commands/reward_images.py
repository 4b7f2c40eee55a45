"""`manage.py reward_images`: measure every reward's image and make its smaller copies again.

The admin does both when a manager uploads. Run this once after upgrading to the version that
brought the copies (images uploaded before have neither), or after restoring MEDIA_ROOT.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from rewards.images import reward_image_renditions_make
from rewards.models import Reward


class Command(BaseCommand):
    help = _("Measure each reward's image and make its smaller WebP copies.")

    def handle(self, *args, **options) -> None:
        made = 0
        for reward in Reward.objects.exclude(image="").order_by("pk"):
            widths = reward_image_renditions_make(reward=reward)
            made += len(widths)
            if reward.image_width is None:
                self.stderr.write(_("%(reward)s: the image cannot be read.") % {"reward": reward})
                continue
            self.stdout.write(
                _("%(reward)s: %(width)s × %(height)s, copies %(widths)s")
                % {
                    "reward": reward,
                    "width": reward.image_width,
                    "height": reward.image_height,
                    "widths": ", ".join(map(str, widths)) or "—",
                }
            )
        self.stdout.write(_("%(count)d copies made.") % {"count": made})
