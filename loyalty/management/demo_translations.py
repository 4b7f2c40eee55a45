"""The demo program's own text in Chinese and Turkish, so that the demo reads whole in every
language (a real program's managers write theirs in the admin)."""

from engagement.models import Challenge
from loyalty.models import EarningRule, ProductCategory, Tier
from rewards.models import Cause, Reward, RewardCategory

# English as seed_demo writes it: (Simplified Chinese, Turkish).
DEMO_TEXT = {
    # rewards
    "Free filter coffee": ("免费滴滤咖啡", "Bedava filtre kahve"),
    "Free pastry": ("免费糕点", "Bedava hamur işi"),
    "$5 off your next purchase": ("下次消费减5美元", "Sonraki alışverişinizde 5 $ indirim"),
    "15% off one item": ("单件商品85折", "Bir üründe %15 indirim"),
    "$10 store credit": ("10美元店内储值", "10 $ mağaza kredisi"),
    "Reusable tote bag": ("环保购物袋", "Yeniden kullanılabilir bez çanta"),
    "Coffee tasting evening": ("咖啡品鉴之夜", "Kahve tadım akşamı"),
    "Barista for a day": ("当一天咖啡师", "Bir günlüğüne barista"),
    "Give a meal": ("捐一顿饭", "Bir öğün bağışlayın"),
    "Holiday hamper": ("节日礼篮", "Bayram sepeti"),
    # shelves of the catalogue
    "Food and drink": ("餐饮", "Yiyecek ve içecek"),
    "Money off": ("优惠减免", "İndirimler"),
    "Experiences": ("体验", "Deneyimler"),
    "Goods and giving": ("好物与公益", "Ürünler ve bağış"),
    # cause
    "City Food Bank": ("城市食物银行", "Şehir Gıda Bankası"),
    "Meals for families in our neighbourhood.": (
        "为我们社区的家庭提供餐食。",
        "Mahallemizdeki ailelere yemek.",
    ),
    # tiers
    "Silver": ("银卡", "Gümüş"),
    "Gold": ("金卡", "Altın"),
    "Gold-only rewards, such as a day as a barista.": (
        "金卡专享奖励，例如当一天咖啡师。",
        "Yalnızca Altın üyelere özel ödüller, örneğin bir günlüğüne barista olmak.",
    ),
    # product categories
    "Coffee": ("咖啡", "Kahve"),
    "Bakery": ("烘焙", "Fırın ürünleri"),
    "Groceries": ("日用杂货", "Market ürünleri"),
    "Gift cards": ("礼品卡", "Hediye kartları"),
    # earning rules and the challenge
    "1 point per dollar": ("每消费1美元得1积分", "Her 1 $ için 1 puan"),
    "Double points on coffee": ("咖啡双倍积分", "Kahvede iki kat puan"),
    "No points on gift cards": ("礼品卡不积分", "Hediye kartlarına puan yok"),
    "Triple Tuesday": ("周二三倍积分", "Üç kat puanlı salı"),
    "Spend 50, get 25": ("消费满50得25积分", "50 harcayın, 25 puan kazanın"),
    "Birthday treat": ("生日礼遇", "Doğum günü ikramı"),
    "Thanks for your feedback": ("感谢您的反馈", "Görüşleriniz için teşekkürler"),
    "Coffee club: the 5th coffee purchase earns 100 points": (
        "咖啡俱乐部：第5次购买咖啡得100积分",
        "Kahve kulübü: 5. kahve alışverişiniz 100 puan kazandırır",
    ),
}

TRANSLATED = [
    (Reward, ("name", "description")),
    (RewardCategory, ("name",)),
    (Cause, ("name", "description")),
    (Tier, ("name", "benefits")),
    (ProductCategory, ("name",)),
    (EarningRule, ("name",)),
    (Challenge, ("name", "description")),
]


def demo_text_translate() -> int:
    """Fill the Chinese and Turkish columns the demo's rows left empty; what a manager wrote
    stays. Returns how many rows changed."""
    changed = 0
    for model, fields in TRANSLATED:
        for row in model.objects.all():
            updates = {}
            for field in fields:
                translations = DEMO_TEXT.get(getattr(row, f"{field}_en") or "")
                if translations is None:
                    continue
                for column, text in zip(
                    (f"{field}_zh_hans", f"{field}_tr"), translations, strict=True
                ):
                    if not getattr(row, column):
                        updates[column] = text
            if updates:
                model.objects.filter(pk=row.pk).update(**updates)
                changed += 1
    return changed
