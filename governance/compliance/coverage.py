"""Which articles of each instrument the platform covers, which software cannot check, and
which are not yet covered — the source of docs/coverage.md (`manage.py write_coverage`).

An article is *covered* when a rule of a pack checks it or a service enforces it (named in
`by`); *not checkable* when software cannot judge it (the reason says why: conduct outside
the platform, duties of authorities, definitions); *not yet* when software could check it
and the platform does not. The coverage figure is covered / (covered + not yet). How the
text of each instrument was verified is stated per instrument.
"""

from dataclasses import dataclass

from governance.compliance.law import AI_ACT, BIPA, CAC_2025, GBT_41819, GDPR, PIPL, SPC_2021

COVERED, NOT_CHECKABLE, NOT_YET = "covered", "not checkable", "not yet covered"


@dataclass(frozen=True)
class Entry:
    article: str
    topic: str
    status: str
    by: str  # rule ids ("rule:prohibited_place") or the service; for others, the reason


def c(article: str, topic: str, by: str) -> Entry:
    return Entry(article, topic, COVERED, by)


def n(article: str, topic: str, why: str) -> Entry:
    return Entry(article, topic, NOT_CHECKABLE, why)


def y(article: str, topic: str, what: str) -> Entry:
    return Entry(article, topic, NOT_YET, what)


OUTSIDE = "conduct outside the platform, which software cannot observe"
AUTHORITIES = "duties and powers of authorities or courts, not of the operator"
DEFINITIONS = "definitions, purpose or entry into force"

VERIFICATION = {
    PIPL.key: "Article texts of Arts. 6, 17, 19, 26, 28–31, 47, 50, 55–57 read in the official "
              "Chinese text (as quoted by spp.gov.cn) and in English translations; others by "
              "their chapter headings.",
    CAC_2025.key: "Final text (Order No. 19, 2025): Arts. 1–5, 10, 13 and 15 read in published "
                  "copies of the order and in CAC's own announcements (Art. 10 quoted by CAC "
                  "officials; Art. 15 cited by CAC's filing notice of 2025-05-28); Arts. 6–9, "
                  "12, 14 and 19 from an article-by-article table quoting the gov.cn text. "
                  "The 2023 draft numbered differently (private places and a 10,000-person "
                  "filing); nothing here follows the draft.",
    SPC_2021.key: "Art. 10 read verbatim (as quoted by courts' commentary); Arts. 2, 4 and 11 "
                  "only through the SPC's own explanatory article and law-firm summaries — "
                  "their exact wording is not quoted by any rule.",
    GBT_41819.key: "Not found: only the standard's metadata (issued 2022-10, in force "
                   "2023-05-01) and table of contents (§5 general, §6 collection, §7 storage, "
                   "§8 use, §9 transmission, §10 provision and disclosure, §11 deletion) were "
                   "found; its clause text was not. Press coverage of the 2021 draft (images "
                   "deleted after matching, an alternative offered, in principle no face "
                   "recognition of under-14s) is not cited as the standard's text.",
    GDPR.key: "Official text of Arts. 8, 12(3) and 33(1) read; the others cited from the "
              "consolidated text as generally reproduced.",
    AI_ACT.key: "Arts. 5(1)(h), 14(5) and 26(6) read (final text of Regulation 2024/1689); the "
                "Annex III point 1(a) scope from Recital 54 and the definitions.",
    BIPA.key: "740 ILCS 14/15 read in the Illinois General Assembly's compiled statutes; the "
              "age of majority from 755 ILCS 5/11-1.",
}

COVERAGE: dict[str, tuple[Entry, ...]] = {
    PIPL.key: (
        n("Arts. 1–5, 8–9, 11–12", "purpose, scope, principles", DEFINITIONS + "; principles "
          "that the specific articles below make concrete"),
        c("Art. 6", "purpose limitation, minimum necessary",
          "rule:images_kept_only_when_justified; the policy gate refuses undeclared purposes"),
        c("Art. 7", "openness and transparency", "the public register (promise 12)"),
        n("Art. 10", "no illegal trading of personal information", OUTSIDE),
        c("Art. 13", "legal bases", "declared legal basis; the policy gate needs a consent or "
          "the approval's legal basis"),
        c("Art. 14", "informed consent, renewed on change",
          "notice versions; a material change asks for renewal (services/notices.py)"),
        c("Art. 15", "withdrawal of consent", "consent withdrawal shreds templates"),
        c("Art. 16", "no refusal of service for refusing consent",
          "rule:non_face_alternative; refusals recorded"),
        c("Art. 17", "notice before processing", "rule:notice_published"),
        n("Art. 18", "exceptions to notice", "a legal judgement about secrecy by law"),
        c("Art. 19", "shortest retention", "retention engine; the effective term is published "
          "on the register"),
        n("Arts. 20–22", "joint processing, entrustment, transfers in mergers",
          "contracts between operators, outside the platform"),
        n("Art. 23", "providing data to another processor",
          "the platform has no function that hands templates to third parties"),
        y("Art. 24", "automated decision-making", "a right to refuse decisions made solely "
          "by automated means and to an explanation, for every deployment"),
        n("Art. 25", "no public disclosure", "the register publishes no personal information"),
        c("Art. 26", "public places", "rule:public_place_public_security_only, "
          "rule:public_place_signage, rule:no_customer_analytics_in_public"),
        n("Art. 27", "publicly available information", "faces are never taken from public "
          "sources here"),
        n("Art. 28", "sensitive information (definition)", DEFINITIONS),
        c("Art. 29", "separate consent", "consent service: one consent per deployment and "
          "purposes; rule:central_storage_separate_consent"),
        y("Art. 30", "telling the necessity and impact", "the notice's text is not checked for "
          "the necessity and impact statement"),
        c("Art. 31", "guardian under 14", "consent service (guardian_required), pack age 14"),
        n("Art. 32", "licences by other laws", "other laws"),
        n("Arts. 33–37", "state organs", AUTHORITIES),
        n("Arts. 38–43", "cross-border provision", "deployments store within their "
          "jurisdiction; the platform transfers nothing abroad"),
        c("Art. 44", "right to know and decide", "citizen records pages (/me/records/)"),
        c("Art. 45", "access and copy", "rights requests with an export"),
        c("Art. 46", "correction", "rights requests (correction)"),
        c("Art. 47", "deletion", "retention engine erasure events; deletion requests"),
        c("Art. 48", "explanation of the rules", "rights requests (explanation)"),
        y("Art. 49", "rights of next of kin of the deceased", "no request type for next of kin"),
        c("Art. 50", "reasons and route to court on refusal",
          "rights service: a rejection needs reasons and the court route"),
        c("Art. 51", "security measures", "envelope encryption, access checks, audit log"),
        y("Art. 52", "personal-information protection officer", "no officer is declared per "
          "operator"),
        n("Art. 53", "representative of a foreign processor", "not applicable to operators in "
          "China"),
        y("Art. 54", "regular compliance audits", "industry audits exist; a periodic duty per "
          "operator is not tracked"),
        c("Arts. 55–56", "impact assessment, kept 3 years", "rule:impact_assessment_current; "
          "assessments are kept at least three years"),
        c("Art. 57", "breach: remedy and notify immediately", "pack deadline (24 hours as the "
          "platform's reading of 'immediately'); the breach workflow is the complaints app's"),
        n("Art. 58", "very large platforms", "not applicable"),
        n("Art. 59", "entrusted parties", "contracts outside the platform"),
        n("Arts. 60–64", "authorities' duties", AUTHORITIES),
        c("Art. 65", "complaints and reports", "complaints and anonymous tips"),
        n("Arts. 66–71", "liability", AUTHORITIES),
        n("Arts. 72–74", "supplementary provisions", DEFINITIONS),
    ),
    CAC_2025.key: (
        n("Arts. 1–3", "purpose, scope, general duties", DEFINITIONS),
        c("Art. 4", "specific purpose, necessity, least intrusive way",
          "rule:images_kept_only_when_justified; purposes gate"),
        c("Art. 5", "notice before processing (incl. retention period)",
          "rule:notice_published; the effective retention is published on the register; the "
          "accessibility sentence for disabled and elderly people is not checked"),
        c("Art. 6", "separate consent; withdrawal", "consent service"),
        c("Art. 7", "guardian under 14", "consent service (guardian_required)"),
        c("Art. 8", "storage on the device unless separately consented; shortest retention",
          "rule:central_storage_separate_consent; on-device storage (promise 13)"),
        c("Art. 9", "impact assessment beforehand; records kept 3 years",
          "rule:impact_assessment_current; assessments kept three years"),
        c("Art. 10", "not the only way; alternative on refusal", "rule:non_face_alternative; "
          "refusals recorded"),
        n("Art. 11", "national identity services encouraged", "an encouragement, not a duty"),
        n("Art. 12", "no misleading or coercing into face recognition", OUTSIDE),
        c("Art. 13", "public places; private spaces", "rule:prohibited_place, "
          "rule:public_place_public_security_only, rule:public_place_signage"),
        c("Art. 14", "encryption, audit, access control", "the platform itself (vault, "
          "ledgers, permissions); intrusion detection is the host's"),
        c("Art. 15", "filing at 100,000 people; changes; termination",
          "rule:filing_due; filing service (initial, change, termination)"),
        n("Arts. 16–18", "supervision, complaints to authorities, liability", AUTHORITIES),
        n("Arts. 19–20", "definitions, entry into force", DEFINITIONS),
    ),
    SPC_2021.key: (
        n("Art. 1", "scope; face information is biometric information", DEFINITIONS),
        c("Art. 2", "acts that infringe (public places against the law, no rules published, "
          "no separate consent, …)", "the CN public-place rules, rule:notice_published, "
          "consent service"),
        n("Art. 3", "factors for liability", AUTHORITIES),
        c("Art. 4", "consent is no defence when the service depends on it or is bundled",
          "rule:non_face_alternative (the service never depends on the face)"),
        n("Arts. 5–9", "defences, burden of proof, damages", AUTHORITIES),
        c("Art. 10", "property managers: not the only way in", "rule:non_face_alternative"),
        n("Art. 11", "unfair standard terms on face information", "contract terms outside "
          "the platform"),
        n("Arts. 12–16", "deletion claims in court, procedure, entry into force", AUTHORITIES),
    ),
    GBT_41819.key: (
        y("§§5–11", "general, collection, storage, use, transmission, provision, deletion",
          "the clause text was not found, so no clause is cited or checked"),
    ),
    GDPR.key: (
        n("Arts. 1–4", "subject matter, scope, definitions", DEFINITIONS),
        c("Art. 5", "principles: minimisation (1)(c), storage limitation (1)(e)",
          "rule:images_kept_only_when_justified; retention engine"),
        c("Art. 6", "lawfulness", "declared legal basis; policy gate"),
        c("Art. 7", "conditions for consent; withdrawal; freely given",
          "rule:consent_alternative; consent withdrawal"),
        c("Art. 8", "child's consent (13–16)", "consent service, FACEGOV_EU_GUARDIAN_AGE"),
        c("Art. 9", "biometric data for identification", "rule:biometric_data_legal_basis"),
        n("Arts. 10–11", "criminal data; no identification needed", "not applicable"),
        c("Art. 12", "one month to answer, two more on extension", "pack deadlines"),
        c("Arts. 13–14", "information to the person (incl. the storage period)",
          "rule:notice_published; the effective retention is published on the register"),
        c("Art. 15", "access", "rights requests with an export"),
        c("Art. 16", "rectification", "rights requests (correction)"),
        c("Art. 17", "erasure", "retention engine erasure; deletion requests"),
        c("Art. 18", "restriction", "rights requests (restriction): the gate refuses"),
        c("Art. 20", "portability", "the access export (machine-readable)"),
        y("Art. 21", "right to object", "no objection request type"),
        y("Art. 22", "solely automated decisions", "safeguards beyond two-person confirmation"),
        n("Arts. 23–24", "restrictions by law; controller's responsibility", AUTHORITIES),
        n("Art. 25", "data protection by design and default", "a design duty of the "
          "controller; the platform's defaults (on-device, minimal) help, software cannot "
          "judge it"),
        n("Arts. 26–29", "joint controllers, representatives, processors", OUTSIDE),
        y("Art. 30", "records of processing activities", "no register of processing per "
          "controller"),
        n("Art. 31", "cooperation with the authority", AUTHORITIES),
        c("Art. 32", "security of processing", "envelope encryption, access checks, ledgers"),
        c("Art. 33", "breach notice within 72 hours", "pack deadline"),
        y("Art. 34", "telling the people affected by a breach", "no communication step"),
        c("Art. 35", "impact assessment", "rule:impact_assessment_current"),
        y("Art. 36", "prior consultation on high residual risk", "a high-risk assessment "
          "does not yet trigger consultation"),
        y("Arts. 37–39", "data protection officer", "no officer is declared"),
        n("Arts. 40–43", "codes of conduct, certification", "voluntary instruments"),
        n("Arts. 44–50", "transfers to third countries", "the platform transfers nothing "
          "abroad"),
        n("Arts. 51–99", "authorities, remedies, penalties, final provisions", AUTHORITIES),
    ),
    AI_ACT.key: (
        n("Arts. 1–4", "subject matter, scope, definitions, AI literacy", DEFINITIONS),
        c("Art. 5(1)(h)", "real-time remote identification for law enforcement",
          "rule:realtime_identification_for_law_enforcement"),
        n("Art. 5(1)(a)–(g)", "other prohibited practices (manipulation, scoring, scraping, "
          "emotion recognition at work or school, categorisation)",
          "the platform offers none of these functions"),
        c("Art. 6 with Annex III 1(a)", "remote biometric identification is high-risk",
          "identification modes are treated as Annex III 1(a) in the EU pack"),
        n("Arts. 8–11, 13, 16–25", "provider duties: risk management, data, documentation, "
          "quality management, conformity", "documentation of the provider; not a "
          "deployment fact"),
        c("Art. 12", "automatic logs", "every recognition is a chained event"),
        c("Art. 14(5)", "two-person confirmation", "rule:identification_two_person_"
          "confirmation; confirmations service"),
        y("Art. 15", "accuracy and robustness declared", "accuracy evaluations are another "
          "issue"),
        c("Art. 26(6)", "deployer keeps logs at least six months",
          "rule:identification_logs_kept_six_months"),
        y("Art. 26(10)", "post-remote identification for law enforcement needs authorisation",
          "no authorisation record for post identification"),
        y("Art. 27", "fundamental rights impact assessment", "public bodies' FRIA not "
          "modelled"),
        y("Art. 49", "registration in the EU database", "not modelled"),
        y("Art. 73", "serious incident reporting", "not modelled"),
        n("Arts. 28–48, 51–113", "notified bodies, general-purpose models, governance, "
          "penalties, final provisions", AUTHORITIES),
    ),
    BIPA.key: (
        n("Secs. 1–10", "title, findings, definitions", DEFINITIONS),
        c("Sec. 15(a)", "published retention schedule; destruction within 3 years",
          "rule:retention_schedule_published, rule:retention_within_statutory_caps; "
          "retention engine cap"),
        c("Sec. 15(b)", "written notice and written release",
          "rule:written_release, rule:notice_published; the release's form is recorded "
          "(method, evidence) but not judged"),
        n("Sec. 15(c)", "no sale, lease, trade or profit", OUTSIDE + "; the platform never "
          "exports templates"),
        n("Sec. 15(d)", "no disclosure without consent", OUTSIDE + "; no disclosure function"),
        c("Sec. 15(e)", "reasonable standard of care", "envelope encryption, access checks"),
        n("Secs. 20–30", "right of action, construction", AUTHORITIES),
    ),
}


def figures() -> dict[str, tuple[int, int]]:
    """Per instrument: (covered, checkable) where checkable = covered + not yet covered.
    GB/T 41819-2022 has no figure: its clauses could not be read."""
    result = {}
    for key, entries in COVERAGE.items():
        if key == GBT_41819.key:
            continue
        covered = sum(e.status == COVERED for e in entries)
        result[key] = (covered, covered + sum(e.status == NOT_YET for e in entries))
    return result


def rule_ids_cited() -> set[str]:
    """Every rule id the coverage table names (a test checks each exists in a pack)."""
    found = set()
    for entries in COVERAGE.values():
        for entry in entries:
            for word in entry.by.replace(";", ",").split(","):
                word = word.strip()
                if word.startswith("rule:"):
                    found.add(word.removeprefix("rule:").split()[0])
    return found
