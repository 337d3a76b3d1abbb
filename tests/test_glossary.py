import re
from pathlib import Path

import pytest

from assistant.answering.extractive import answer_type
from assistant.answering.language import SUPPORTED, detect_language
from assistant.glossary import (
    _TERMS,
    GLOSSARY,
    LANGUAGES,
    english_terms,
    english_view,
    fold,
    is_glossary_word,
)

ROOT = Path(__file__).resolve().parents[1]

# Keys of three letters or fewer: acronyms and short words that mean nothing else in the supported languages.
SHORT_KEYS = {
    "aur", "azi", "cat", "ceg", "dij", "dni", "dnu", "dny", "eu", "eur", "fik", "fin", "hoy", "ile", "ilu", "imm",
    "kad", "kap", "kdy", "kkv", "kmo", "kmu", "maa", "mio", "mkb", "mld", "mln", "mrd", "msp", "nap", "nar", "or",
    "oro", "pme", "pmi", "smf", "smv", "ted", "tpe", "ue", "usa", "εε", "εως", "μμε", "дни", "ес", "мсп",
}  # fmt: skip
# Words too common in some supported language to be a key on their own.
NEVER_KEYS = {
    "a", "de", "da", "do", "e", "en", "er", "et", "i", "in", "je", "la", "le", "ma", "mal", "mes", "na", "ne",
    "nu", "o", "od", "ora", "par", "per", "po", "rok", "se", "si", "ta", "tak", "to", "u", "um", "un", "v", "za",
}  # fmt: skip


def test_keys_are_folded():
    assert all(fold(key) == key for key in GLOSSARY)


def test_short_keys_are_known_and_common_words_are_never_keys():
    short = {key for key in GLOSSARY if len(key.rstrip("*")) <= 3}
    assert short <= SHORT_KEYS
    assert not NEVER_KEYS & set(GLOSSARY)


def test_stems_are_long_enough():
    for key in GLOSSARY:
        if key.endswith("*") and " " not in key:
            assert len(key) - 1 >= 4, key


def test_every_supported_language_has_a_glossary():
    assert set(LANGUAGES) == set(SUPPORTED) - {"en"}


# Concepts every language must have forms for: what SMEs ask about most.
CORE = [
    "SME", "micro enterprise", "small enterprise", "enterprise", "staff headcount", "turnover",
    "balance sheet total", "funding", "grant", "budget", "maximum", "minimum at least", "limit ceiling",
    "deadline", "call", "open call", "when", "how much", "how many", "how long duration", "which countries",
    "project", "partner partners", "consortium partners", "coordinator coordinated", "eligible eligibility",
    "country countries", "associated countries", "lump sum flat rate", "exchange", "cluster", "label",
    "Horizon Europe", "Horizon 2020", "Single Market Programme SMP", "apply application", "number of",
]  # fmt: skip


@pytest.mark.parametrize("concept", CORE)
def test_core_concepts_cover_every_language(concept):
    tables = {english: languages for english, languages in _TERMS}
    assert set(LANGUAGES) <= set(tables[concept])


def test_english_side_uses_the_corpus_words():
    """The English terms are there to be found: each word occurs in the corpus (or is a question cue)."""
    text = " ".join(
        p.read_text(encoding="utf-8", errors="ignore").lower()
        for folder in (ROOT / "corpus", ROOT / "scripts" / "pdf_sources")
        for p in folder.rglob("*")
        if p.suffix in (".md", ".html", ".txt")
    )
    words = set(re.findall(r"[a-z0-9+-]+", text))
    cues = {"percent", "smp"}
    for english, _ in _TERMS:
        for word in english.lower().split():
            assert word in cues or {word, word.rstrip("s"), word + "s"} & words, (english, word)


# Forms a speaker writes, inflections included.
@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("¿Cuál es el presupuesto de Horizonte Europa?", "budget"),
        ("¿Cuál es el presupuesto de Horizonte Europa?", "Horizon Europe"),
        ("Jaký je limit počtu zaměstnanců pro mikropodnik?", "staff headcount"),
        ("Jaký je limit počtu zaměstnanců pro mikropodnik?", "micro enterprise"),
        ("Ile wynosi obrót średniego przedsiębiorstwa?", "turnover"),
        ("Mennyi támogatást kaphatnak a kkv-k?", "SME"),
        ("Kuinka paljon tukea pk-yrityksille myönnetään?", "SME"),
        ("Câți bani primesc IMM-urile?", "SME"),
        ("Care este plafonul cifrei de afaceri?", "turnover"),
        ("Vilken organisation ledde projektet?", "coordinator led"),
        ("Hvornår åbnede indkaldelsen?", "when"),
        ("Koliki je proračun programa Obzor Europa?", "Horizon Europe"),
        ("Kdaj se zaključi razpis?", "call"),
        ("Ποιος είναι ο προϋπολογισμός του προγράμματος;", "budget"),
        ("Какъв е бюджетът на програмата?", "budget"),
        ("Est-ce que l’appel est encore ouvert ?", "still open"),
        ("Czy nabór jest nadal otwarty?", "still open"),
        ("Je výzva stále otevřená?", "still open"),
    ],
)
def test_forms_find_their_english(question, term):
    assert term in english_terms(question)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Quand l'appel a-t-il fermé ?", "date"),
        ("Wann endet die Frist?", "date"),
        ("Kiedy kończy się nabór?", "date"),
        ("¿Cuándo cerró la convocatoria?", "date"),
        ("Quando scade il bando?", "date"),
        ("Wanneer sluit de oproep?", "date"),
        ("Kdy končí výzva?", "date"),
        ("Kedy sa končí výzva?", "date"),
        ("Când se închide apelul?", "date"),
        ("När stänger utlysningen?", "date"),
        ("Milloin haku päättyy?", "date"),
        ("Mikor zárul a felhívás?", "date"),
        ("Kada se zatvara natječaj?", "date"),
        ("Kdaj se zapre razpis?", "date"),
        ("Πότε κλείνει η πρόσκληση;", "date"),
        ("Кога се затваря поканата?", "date"),
        ("Combien de projets ont été financés ?", "number"),
        ("Wie viele Projekte wurden gefördert?", "number"),
        ("Ile projektów sfinansowano?", "number"),
        ("¿Cuántos proyectos se financiaron?", "number"),
        ("Quanti progetti sono stati finanziati?", "number"),
        ("Hoeveel projecten werden gefinancierd?", "number"),
        ("Kolik projektů bylo podpořeno?", "number"),
        ("Koľko projektov bolo podporených?", "number"),
        ("Câte proiecte au fost finanțate?", "number"),
        ("Hur många projekt finansierades?", "number"),
        ("Hvor mange projekter blev finansieret?", "number"),
        ("Kuinka monta hanketta rahoitettiin?", "number"),
        ("Hány projektet finanszíroztak?", "number"),
        ("Koliko je projekata financirano?", "number"),
        ("Koliko projektov je bilo financiranih?", "number"),
        ("Πόσα έργα χρηματοδοτήθηκαν;", "number"),
        ("Колко проекта бяха финансирани?", "number"),
        ("Quel est le montant de la subvention ?", "money"),
        ("Wie viel Geld bekommt ein KMU?", "money"),
        ("Jaka jest kwota wsparcia?", "money"),
        ("¿Cuánto dinero recibe una pyme?", "money"),
        ("Qual è l'importo massimo?", "money"),
        ("Welk bedrag krijgt een kmo?", "money"),
        ("Jaká je výše podpory?", "money"),
        ("Aká je výška podpory?", "money"),
        ("Ce sumă primește un IMM?", "money"),
        ("Hur mycket får ett företag?", "money"),
        ("Hvor meget kan en virksomhed få?", "money"),
        ("Kuinka paljon yritys voi saada?", "money"),
        ("Mennyi támogatást kaphat egy kkv?", "money"),
        ("Koliki je iznos potpore?", "money"),
        ("Kolikšen je znesek podpore?", "money"),
        ("Πόσο είναι το ποσό της ενίσχυσης;", "money"),
        ("Какъв е размерът на помощта?", "money"),
    ],
)
def test_question_words_carry_the_kind_of_answer(question, kind):
    assert answer_type(f"{question} {english_terms(question)}") == kind


def test_a_word_gets_the_meaning_of_the_question_language():
    czech = "Kolik MSP podpořil projekt a z kolika zemí?"
    assert detect_language(czech) == "cs"
    assert "how much" not in english_terms(czech) and "how many" in english_terms(czech)
    assert "how much" in english_terms("Kolika je najveća potpora?", "hr")


def test_no_glossary_for_words_of_no_language():
    assert english_terms("INNOSUP-1 ClusterXchange 2020") == ""


def test_glossary_words_are_not_names():
    assert all(is_glossary_word(w) for w in ["PME", "KMU", "IMM", "MŚP", "pymes", "Horizonte Europa"])
    assert not any(is_glossary_word(w) for w in ["ZIM", "BMWK", "ENISA", "Erasmus+"])


def test_english_view_keeps_names_and_english_terms():
    view = english_view("Wie beantrage ich eine ZIM-Förderung beim BMWK in Deutschland?")
    assert "apply application" in view and "BMWK" in view and "Deutschland" in view
    assert "Wie" not in view.split()  # a capital that only opens the sentence
    assert english_view("¿Cuál es el presupuesto de Horizonte Europa?") == "budget Horizon Europe"
    assert english_view("Qui délivre les labels après l'ESCA ?").endswith("ESCA")
