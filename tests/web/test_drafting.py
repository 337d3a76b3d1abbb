"""Help-desk drafts: e-mail clean-up, numbered source lines, caveats, and the enquirer's language."""

from __future__ import annotations

import pytest

from assistant.answering.prompts import PORTAL_URL
from assistant.web import drafting
from tests.web.fakes import SOURCE_URL, answer, citation, refusal

EMAIL = """Dear Clusterdesk team,

We are a small cluster organisation in Poznań. How long can a ClusterXchange exchange last?
Also, is the INNOSUP-01-2018-2020 call still open for us?

Best regards,
Anna Kowalska
Cluster Manager, +48 61 000 00 00

On Mon, 3 Mar 2025 at 10:00, Help Desk <help@example.eu> wrote:
> Can we help with anything else?
> Is it about money?
"""


def test_parse_email_strips_greeting_signature_and_quoted_text() -> None:
    enquiry = drafting.parse_email(EMAIL)
    assert enquiry.questions == [
        "How long can a ClusterXchange exchange last?",
        "Also, is the INNOSUP-01-2018-2020 call still open for us?",
    ]
    assert enquiry.name == "Anna Kowalska"
    assert (
        "Dear" not in enquiry.body and "Cluster Manager" not in enquiry.body and "money" not in enquiry.body
    )


def test_a_short_question_keeps_its_lead_in() -> None:
    enquiry = drafting.parse_email(
        "Bonjour,\nNous sommes une PME française. Est-ce ouvert ?\nCordialement,\nLuc"
    )
    assert enquiry.questions == ["Nous sommes une PME française. Est-ce ouvert ?"]
    assert enquiry.name == "Luc"


def test_an_email_without_a_question_mark_is_asked_whole() -> None:
    assert drafting.parse_email("Hi,\nPlease tell me the SME staff limits.\nThanks").questions == [
        "Please tell me the SME staff limits."
    ]


def test_greeting_on_the_question_line_is_dropped_but_the_question_kept() -> None:
    assert drafting.parse_email("Hello, how long can an exchange last?").questions == [
        "how long can an exchange last?"
    ]


def test_english_draft_has_every_part() -> None:
    a = answer(notices=["COS-CLUSTER-2018-3-02: closed since 4 April 2019.", "Citation check: [3] unknown"])
    text = drafting.draft_reply([("How long?", a)], name="Anna Kowalska")
    assert text.startswith("Dear Anna Kowalska,\n\n" + drafting.INTRO["en"])
    assert "up to 1 month [1]." in text
    assert f"[1] ClusterXchange: who can take part, p. 3 - {SOURCE_URL}" in text.splitlines()
    assert drafting.CAVEAT_CLOSED["en"] in text and "closed since 4 April 2019" in text
    assert "Citation check" not in text
    assert PORTAL_URL in text and text.rstrip().endswith(drafting.SIGN_OFF["en"])


def test_citations_are_renumbered_across_questions() -> None:
    first = answer("A [1] and B [2].", citations=[citation(1), citation(2, title="Second", page=None)])
    second = answer(
        "C [1] and D [2].", citations=[citation(1, title="Second", page=None), citation(2, title="Third")]
    )
    text = drafting.draft_reply([("q1", first), ("q2", second)])
    assert "A [1] and B [2]." in text and "C [2] and D [3]." in text
    assert f"[2] Second - {SOURCE_URL}" in text and "[3] Third, p. 3" in text
    assert drafting.QUESTION_LABEL["en"].format(question="q2") in text


@pytest.mark.parametrize("lang", drafting.LANGUAGES)
def test_templates_follow_the_language_and_quotes_stay_in_the_source_language(lang: str) -> None:
    a = answer("Selon nos documents : An exchange lasts up to 1 month [1].", language=lang)
    text = drafting.draft_reply([("q", a)])
    assert text.startswith(drafting.GREETING[lang])
    assert drafting.SOURCES[lang] in text and drafting.SIGN_OFF[lang] in text
    assert drafting.CAVEAT_PORTAL[lang].format(url=PORTAL_URL) in text
    assert "An exchange lasts up to 1 month [1]." in text


def test_every_language_has_every_template() -> None:
    tables = [
        drafting.GREETING,
        drafting.GREETING_NAMED,
        drafting.INTRO,
        drafting.QUESTION_LABEL,
        drafting.SOURCES,
        drafting.PAGE,
        drafting.CAVEAT_CLOSED,
        drafting.CAVEAT_NOTICE,
        drafting.CAVEAT_PORTAL,
        drafting.SIGN_OFF,
    ]
    for table in tables:
        assert set(table) == set(drafting.LANGUAGES)


def test_an_unsupported_language_falls_back_to_english() -> None:
    assert drafting.draft_reply([("q", answer(language="nl"))]).startswith(drafting.GREETING["en"])


def test_a_refusal_is_drafted_without_sources() -> None:
    text = drafting.draft_reply([("weather?", refusal("de"))])
    assert text.startswith(drafting.GREETING["de"]) and drafting.SOURCES["de"] not in text
    assert "can't answer" in text


def test_draft_from_email_asks_each_question() -> None:
    asked: list[str] = []

    def ask(question: str):
        asked.append(question)
        return answer() if "ClusterXchange" in question else refusal()

    text = drafting.draft_from_email(EMAIL, ask)
    assert asked == drafting.parse_email(EMAIL).questions
    assert text.startswith("Dear Anna Kowalska,") and "[1] ClusterXchange: who can take part" in text


def test_nothing_to_draft() -> None:
    assert drafting.draft_reply([]) == drafting.NOTHING_TO_DRAFT
    assert drafting.draft_from_email("   ", lambda q: answer()) == drafting.NO_QUESTION


def test_a_question_pointing_back_keeps_its_lead_in() -> None:
    enquiry = drafting.parse_email("We are an SME in Lyon. Can we apply to it with a partner in Spain?")
    assert enquiry.questions == ["We are an SME in Lyon. Can we apply to it with a partner in Spain?"]


@pytest.mark.parametrize("lang", drafting.LANGUAGES)
def test_caveats_are_in_the_drafts_language_and_english_notices_say_so(lang: str) -> None:
    notice = "INNOSUP-1-2015 — status on 1 June 2026: Closed since 4 April 2019."
    text = drafting.draft_reply([("q", answer(language=lang, notices=[notice]))])
    caveats = text.split(drafting.SOURCES[lang])[1]
    assert drafting.CAVEAT_CLOSED[lang] in caveats
    assert drafting.CAVEAT_NOTICE_ENGLISH[lang].format(notice=notice) in caveats.splitlines()
    assert drafting.CAVEAT_PORTAL[lang].format(url=PORTAL_URL) in caveats
    if lang != "en":  # no English caveat wording besides the notice itself, which is labelled as English
        assert "Please note" not in caveats and "not legal advice" not in caveats
        assert "(" in drafting.CAVEAT_NOTICE_ENGLISH[lang].split("{notice}")[0]


def test_a_notice_already_in_the_drafts_language_is_not_labelled_english() -> None:
    notice = "L'appel INNOSUP-1-2015 est clôturé depuis le 4 avril 2019 et n'accepte plus de candidatures."
    text = drafting.draft_reply([("q", answer(language="fr", notices=[notice]))])
    assert drafting.CAVEAT_NOTICE["fr"].format(notice=notice) in text.splitlines()


def test_every_language_has_the_english_notice_label() -> None:
    assert set(drafting.CAVEAT_NOTICE_ENGLISH) == set(drafting.LANGUAGES)
