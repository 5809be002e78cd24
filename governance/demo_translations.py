"""The demo's prose in Simplified Chinese, stored beside the English (docs/i18n.md).

Notices are what people read before they consent; a zh-Hans reader sees the Chinese version
(DeploymentNotice.translations, shown by text_in). The seeder runs after every other one and
fills the translation of each demo notice it knows, whichever seeder created it. Idempotent.
"""

from governance.demo import register_seeder
from governance.models import DeploymentNotice

NOTICES_ZH = {
    "Block A's gate opens for residents who consented to face recognition. Templates stay on "
    "the gate; key cards always work.":
        "A 栋闸机为同意人脸识别的住户开门。人脸模板只存储在闸机上；门禁卡始终可以使用。",
    "Line 2 gates compare faces against a court-ordered watch list. Matches are confirmed by "
    "two officers. Tickets and cards always work.":
        "2 号线闸机将人脸与经法院命令确定的布控名单进行比对。比对结果须经两名警员确认。"
        "车票和交通卡始终可以使用。",
    "Room doors open by face.": "客房门可刷脸开启。",
    "Acme recognises residents' faces at the Block A gate to open it. Templates stay on the "
    "gate device. You may refuse and use your resident card instead, and withdraw at any time "
    "in FaceGov; your template is then deleted at once.":
        "Acme 在 A 栋闸机识别住户人脸以开门。人脸模板只存储在闸机设备上。您可以拒绝并改用"
        "住户卡，也可以随时在 FaceGov 撤回同意；届时您的人脸模板会立即删除。",
    "A one-day visitor pass by face. Your template is destroyed when the pass ends; you "
    "receive a deletion certificate. The concierge can always check an ID card instead.":
        "一日访客刷脸通行证。通行证到期时您的人脸模板即被销毁，您会收到一份删除证明。"
        "礼宾台也始终可以改为查验身份证。",
}


def seed_demo_translations(*, password: str) -> list[str]:
    filled = 0
    for notice in DeploymentNotice.objects.filter(text__in=list(NOTICES_ZH)):
        chinese = NOTICES_ZH[notice.text]
        if notice.translations.get("zh-hans") != chinese:
            notice.translations = {**notice.translations, "zh-hans": chinese}
            notice.save(update_fields=["translations"])
            filled += 1
    return [f"Notices in 简体中文: {filled} filled"] if filled else []


def register() -> None:
    register_seeder(95, seed_demo_translations)
