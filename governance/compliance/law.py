"""The instruments the rule packs cite, and the citation every rule carries.

A citation names the instrument, the article, and a short quotation of the sentence the rule
rests on (in the instrument's own language where the official text is Chinese, with an
English rendering). How each was verified, and what could not be, is recorded in
docs/coverage.md (generated from governance/compliance/coverage.py).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Instrument:
    key: str
    jurisdiction: str
    short: str  # how messages cite it: "PIPL", "CAC Measures 2025", ...
    title: str
    date: str  # adoption / publication and entry into force, as the official text says
    official_source: str


@dataclass(frozen=True)
class Citation:
    instrument: Instrument
    article: str  # "Art. 13(2)", "Sec. 15(a)"
    quote: str  # the sentence the rule rests on, short
    note: str = ""  # how it applies, or why it is only partly checkable

    @property
    def reference(self) -> str:
        return f"{self.instrument.short} {self.article}"

    def as_dict(self) -> dict[str, str]:
        return {"instrument": self.instrument.key, "source_title": self.instrument.title,
                "source_date": self.instrument.date, "article": self.article,
                "reference": self.reference, "quote": self.quote, "note": self.note}


PIPL = Instrument(
    "pipl", "CN", "PIPL",
    "Personal Information Protection Law of the People's Republic of China "
    "(中华人民共和国个人信息保护法)",
    "adopted 2021-08-20, in force 2021-11-01",
    "Standing Committee of the National People's Congress; full text at npc.gov.cn / "
    "spp.gov.cn")
CAC_2025 = Instrument(
    "cac_2025", "CN", "CAC Measures 2025",
    "Measures for the Security Management of the Application of Face Recognition Technology "
    "(人脸识别技术应用安全管理办法), CAC and Ministry of Public Security Order No. 19",
    "signed 2025-03-13, published 2025-03-21, in force 2025-06-01",
    "cac.gov.cn 2025-03-21; gov.cn zhengceku content_7016075")
SPC_2021 = Instrument(
    "spc_2021", "CN", "SPC 2021 Provisions",
    "Provisions of the Supreme People's Court on Several Issues concerning the Application of "
    "Law in the Trial of Civil Cases Involving the Processing of Personal Information Using "
    "Face Recognition Technology (法释〔2021〕15号)",
    "adopted 2021-06-08, in force 2021-08-01",
    "Supreme People's Court, published 2021-07-28")
GBT_41819 = Instrument(
    "gbt_41819", "CN", "GB/T 41819-2022",
    "Information security technology — Security requirements of face recognition data "
    "(信息安全技术 人脸识别数据安全要求), recommended national standard",
    "issued 2022-10, in force 2023-05-01",
    "SAMR / Standardization Administration (TC260); clause text not found")
GDPR = Instrument(
    "gdpr", "EU", "GDPR",
    "Regulation (EU) 2016/679 (General Data Protection Regulation)",
    "adopted 2016-04-27, applies from 2018-05-25",
    "Official Journal L 119, 4.5.2016 (EUR-Lex)")
AI_ACT = Instrument(
    "ai_act", "EU", "EU AI Act",
    "Regulation (EU) 2024/1689 (Artificial Intelligence Act)",
    "adopted 2024-06-13; Art. 5 applies from 2025-02-02, high-risk obligations from "
    "2026-08-02",
    "Official Journal L, 12.7.2024 (EUR-Lex)")
BIPA = Instrument(
    "bipa", "US-IL", "BIPA",
    "Illinois Biometric Information Privacy Act, 740 ILCS 14",
    "Public Act 95-994, in force 2008-10-03",
    "Illinois General Assembly, ilga.gov (740 ILCS 14/15)")
PLATFORM = Instrument(
    "facegov", "*", "FaceGov promise",
    "FaceGov design promises (DESIGN.md) — platform policy, not law",
    "current", "DESIGN.md")

INSTRUMENTS: tuple[Instrument, ...] = (PIPL, CAC_2025, SPC_2021, GBT_41819, GDPR, AI_ACT,
                                       BIPA)
INSTRUMENTS_BY_KEY = {i.key: i for i in (*INSTRUMENTS, PLATFORM)}
