import string

import pytest

from assistant.answering import prompts
from assistant.answering.language import SUPPORTED

OTHER = [lang for lang in SUPPORTED if lang != "en"]


def test_every_supported_language_has_every_message():
    for table in (prompts.REFUSAL, prompts.OFF_LIMITS, prompts.TOO_LONG, prompts.LANGUAGE_NAMES):
        assert set(SUPPORTED) <= set(table)
    assert set(OTHER) <= set(prompts.FRAME)
    assert "en" not in prompts.FRAME  # an English answer has no frame sentence


@pytest.mark.parametrize("lang", SUPPORTED)
def test_refusal_points_to_the_portal_and_the_help_desk(lang):
    text = prompts.REFUSAL[lang]
    assert prompts.PORTAL_URL in text and "Funding & Tenders" in text
    # The first sentence is how a model's refusal is recognised (llm.is_refusal): it must be a whole sentence.
    first = text.split(".")[0]
    assert len(first) > 20 and prompts.PORTAL_URL not in first


def test_refusals_differ_in_their_first_sentence():
    firsts = [prompts.REFUSAL[lang].split(".")[0].lower() for lang in SUPPORTED]
    assert len(set(firsts)) == len(firsts)


@pytest.mark.parametrize("lang", SUPPORTED)
def test_too_long_names_the_length_and_the_limit(lang):
    fields = {name for _, name, _, _ in string.Formatter().parse(prompts.TOO_LONG[lang]) if name}
    assert fields == {"n", "limit"}
    text = prompts.too_long_message(lang, 2345, 2000)
    assert "2345" in text and "2000" in text


@pytest.mark.parametrize("lang", OTHER)
def test_frames_and_names(lang):
    assert prompts.FRAME[lang].endswith(":") and prompts.frame(lang) == prompts.FRAME[lang]
    assert prompts.LANGUAGE_NAMES[lang][0].isupper()


@pytest.mark.parametrize("lang", ["xx", "ru", "", "EN"])
def test_unsupported_languages_fall_back_to_english(lang):
    assert prompts.refusal_message(lang) == prompts.REFUSAL["en"]
    assert prompts.off_limits_message(lang) == prompts.OFF_LIMITS["en"]
    assert prompts.too_long_message(lang, 3, 2) == prompts.TOO_LONG["en"].format(n=3, limit=2)
    assert prompts.frame(lang) == ""


def test_a_model_refusal_is_recognised_in_every_language():
    from assistant.answering.llm import is_refusal

    for lang in SUPPORTED:
        assert is_refusal(prompts.REFUSAL[lang], lang)
        assert is_refusal(prompts.REFUSAL[lang], "en")  # whatever language the question was taken for
