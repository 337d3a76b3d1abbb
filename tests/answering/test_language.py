import json
from pathlib import Path

import pytest

from assistant.answering import prompts
from assistant.answering.language import SUPPORTED, detect_language

EVALS = Path(__file__).resolve().parents[2] / "evals"


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


# Questions of the kinds SMEs ask, in every supported language, with English ones that are short, name-heavy or
# carry foreign names.
SAMPLES = [
    ("en", "Maximum amount per SME?"),
    ("en", "ClusterXchange lump sum for visitors"),
    ("en", "Can I apply if my company is in Serbia?"),
    ("en", "Who coordinated Cross4Health and when did it end?"),
    ("en", "Is the COSME programme still open for cluster calls?"),
    ("en", "What did Corporación Tecnológica de Andalucía do in SuperBIO?"),
    ("en", "How many SMEs did DIVA fund in Denmark?"),
    ("en", "Does a university count as an SME?"),
    ("en", "What is the funding rate for an Innovation Action?"),
    ("en", "Tell me about the Euroclusters in Italy and Spain."),
    ("en", "INNOSUP-01-2018-2020 budget"),
    ("fr", "Quel est le budget de l'appel Euroclusters ?"),
    ("fr", "Une université peut-elle être coordinatrice ?"),
    ("fr", "Combien de projets INNOSUP ont été financés ?"),
    ("fr", "Jusqu'à quand peut-on postuler ?"),
    ("de", "Welche Länder dürfen an Horizont Europa teilnehmen?"),
    ("de", "Wie hoch ist die Pauschale für einen Austausch?"),
    ("de", "Ist eine Universität förderfähig?"),
    ("pl", "Kiedy kończy się nabór?"),
    ("pl", "Czy uczelnia może być koordynatorem projektu?"),
    ("pl", "Jaki jest budżet programu Horyzont Europa?"),
    ("es", "¿Cuál es el plazo para presentar la solicitud?"),
    ("es", "¿Qué países pueden participar en Horizonte Europa?"),
    ("es", "¿Cuántas pymes recibieron ayuda de SMARTX?"),
    ("it", "Qual è la durata massima di uno scambio?"),
    ("it", "Quante imprese ha finanziato il progetto?"),
    ("it", "Chi coordina il consorzio?"),
    ("pt", "Qual é o orçamento do Horizonte Europa?"),
    ("pt", "Uma universidade pode coordenar o projeto?"),
    ("pt", "Quantos funcionários pode ter uma pequena empresa?"),
    ("nl", "Wat is het maximale bedrag per kmo?"),
    ("nl", "Welke landen zijn geassocieerd bij Horizon 2020?"),
    ("nl", "Hoe lang duurt een uitwisseling?"),
    ("cs", "Kolik peněz může dostat malý podnik?"),
    ("cs", "Kdy byla výzva otevřena?"),
    ("cs", "Které země se mohou zúčastnit programu?"),
    ("cs", "Jaký je rozpočet programu Horizont Evropa?"),
    ("cs", "Může univerzita být koordinátorem projektu?"),
    ("sk", "Koľko peňazí môže dostať malý podnik?"),
    ("sk", "Kedy bola výzva otvorená?"),
    ("sk", "Ktoré krajiny sa môžu zúčastniť programu?"),
    ("sk", "Aký je rozpočet programu Horizont Európa?"),
    ("sk", "Môže univerzita byť koordinátorom projektu?"),
    ("ro", "Cât poate primi o întreprindere mică?"),
    ("ro", "Când s-a deschis apelul?"),
    ("ro", "Ce țări pot participa la program?"),
    ("ro", "Care este bugetul programului Orizont Europa?"),
    ("ro", "Poate o universitate să fie coordonator de proiect?"),
    ("sv", "Hur mycket kan ett litet företag få?"),
    ("sv", "När öppnade utlysningen?"),
    ("sv", "Vilka länder kan delta i programmet?"),
    ("sv", "Vad är budgeten för Horisont Europa?"),
    ("sv", "Kan ett universitet vara koordinator?"),
    ("da", "Hvor meget kan en lille virksomhed få?"),
    ("da", "Hvornår åbnede indkaldelsen?"),
    ("da", "Hvilke lande kan deltage i programmet?"),
    ("da", "Hvad er budgettet for Horisont Europa?"),
    ("da", "Kan et universitet være koordinator?"),
    ("fi", "Kuinka paljon pieni yritys voi saada?"),
    ("fi", "Milloin haku avattiin?"),
    ("fi", "Mitkä maat voivat osallistua ohjelmaan?"),
    ("fi", "Mikä on Horisontti Eurooppa -ohjelman budjetti?"),
    ("fi", "Voiko yliopisto olla koordinaattori?"),
    ("hu", "Mennyi támogatást kaphat egy kisvállalkozás?"),
    ("hu", "Mikor nyílt meg a pályázati felhívás?"),
    ("hu", "Mely országok vehetnek részt a programban?"),
    ("hu", "Mekkora az Európai Horizont költségvetése?"),
    ("hu", "Lehet egy egyetem koordinátor?"),
    ("hr", "Koliko novca može dobiti malo poduzeće?"),
    ("hr", "Kada je otvoren natječaj?"),
    ("hr", "Koje zemlje mogu sudjelovati u programu?"),
    ("hr", "Koliki je proračun programa Obzor Europa?"),
    ("hr", "Može li sveučilište biti koordinator projekta?"),
    ("sl", "Koliko denarja lahko dobi malo podjetje?"),
    ("sl", "Kdaj je bil razpis odprt?"),
    ("sl", "Katere države lahko sodelujejo v programu?"),
    ("sl", "Kolikšen je proračun programa Obzorje Evropa?"),
    ("sl", "Ali je lahko univerza koordinator projekta?"),
    ("el", "Πόσα χρήματα μπορεί να λάβει μια μικρή επιχείρηση;"),
    ("el", "Πότε άνοιξε η πρόσκληση;"),
    ("el", "Ποιος είναι ο προϋπολογισμός του Horizon Europe;"),
    ("bg", "Колко пари може да получи малко предприятие?"),
    ("bg", "Кога беше открита поканата?"),
    ("bg", "Какъв е бюджетът на програма Хоризонт Европа?"),
]


@pytest.mark.parametrize(("lang", "text"), SAMPLES)
def test_every_supported_language_is_recognised(lang, text):
    assert detect_language(text) == lang


def test_the_samples_cover_every_supported_language():
    assert {lang for lang, _ in SAMPLES} == set(SUPPORTED)


@pytest.mark.parametrize(
    "text",
    [
        "Какой бюджет у программы?",  # Russian
        "Які умови участі?",  # Ukrainian
        "Kāds ir budžets?",  # Latvian
        "Koks yra biudžetas?",  # Lithuanian
        "12345 ???",
    ],
)
def test_unsupported_languages_fall_back_to_english(text):
    assert detect_language(text) == "en"


def test_every_eval_question_is_recognised():
    items = []
    for path in sorted(EVALS.glob("*.jsonl")):
        items += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    wrong = [
        (i["lang"], detect_language(i["question"]), i["question"]) for i in items if i["lang"] in SUPPORTED
    ]
    assert [w for w in wrong if w[0] != w[1]] == []


def test_every_supported_language_has_its_messages():
    for lang in SUPPORTED:
        assert lang in prompts.REFUSAL and lang in prompts.OFF_LIMITS and lang in prompts.TOO_LONG
        assert lang in prompts.LANGUAGE_NAMES
        assert lang == "en" or lang in prompts.FRAME
