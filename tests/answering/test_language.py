import pytest

from assistant.answering.language import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("What is the maximum support per SME?", "en"),
        ("Quel est le montant maximal par PME ?", "fr"),
        ("Wie viel Förderung bekommt ein KMU?", "de"),
        ("Ile wynosi maksymalne wsparcie dla MŚP?", "pl"),
        ("¿Cuál es el importe máximo para una pyme?", "es"),
        ("Qual è il contributo massimo per una PMI?", "it"),
        ("", "en"),
    ],
)
def test_detect_language(text, lang):
    assert detect_language(text) == lang
