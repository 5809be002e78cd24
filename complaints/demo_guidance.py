"""A bilingual guidance note for the demo: the regulator explains the non-face alternative,
in English with its Simplified Chinese version beside it (GuidanceNote.translations)."""

from complaints.models import GuidanceNote
from complaints.services.guidance import guidance_publish
from governance.models import User

SERIES = "non-face-alternative"
TITLE = "Face recognition is never the only way in"
BODY = ("Every deployment must offer a way in or a service that does not use the face, at the "
        "same place and on the same terms (CAC Measures Art. 10; SPC 2021 interpretation "
        "Art. 10). A key card, a ticket, an ID check by staff or a call to the gatehouse all "
        "qualify; a separate queue that takes much longer does not. Tell people about the "
        "alternative on the sign and in the notice, before they are asked to consent.")
TITLE_ZH = "人脸识别绝不能是唯一的通行方式"
BODY_ZH = ("每个部署都必须在同一地点、以同等条件提供不使用人脸的通行方式或服务（《人脸识别技术应用"
           "安全管理办法》第十条；《最高人民法院关于审理使用人脸识别技术处理个人信息相关民事案件"
           "适用法律若干问题的规定》第十条）。门禁卡、车票、工作人员查验身份证或致电门卫室均可；"
           "耗时明显更长的单独通道则不符合要求。请在征求同意之前，通过提示标识和告知书让公众知道"
           "替代方式。")


def seed_guidance_demo(*, password: str) -> list[str]:
    if GuidanceNote.objects.filter(series=SERIES).exists():
        return []
    inspector = User.objects.filter(username="reg_inspector").first()
    if inspector is None:
        return []
    note = guidance_publish(actor=inspector, title=TITLE, body=BODY,
                            rules=[], series=SERIES)
    note.translations = {"zh-hans": {"title": TITLE_ZH, "body": BODY_ZH}}
    note.save(update_fields=["translations"])
    return ["Guidance (English and 简体中文): " + TITLE]
