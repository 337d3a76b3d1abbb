"""Which language a question is in: a stopword vote, enough for the short questions a chat gets."""

from __future__ import annotations

import re

_STOPWORDS: dict[str, set[str]] = {
    "en": set(
        ["the", "is", "are", "what", "which", "who", "how", "when", "where", "can", "we", "our", "my", "does", "do", "of", "for", "and", "to", "in", "an", "a", "with", "be", "there", "it", "this", "that", "was", "were", "will", "much", "many", "still", "any", "our", "their", "you", "your"]
    ),
    "fr": set(
        ["le", "la", "les", "est", "sont", "quel", "quelle", "quels", "quelles", "qui", "comment", "quand", "où", "peut", "pouvons", "nous", "notre", "mon", "des", "du", "pour", "et", "dans", "une", "un", "avec", "combien", "encore", "y", "a-t-il", "entreprise", "entreprises", "je", "vous", "est-ce", "au", "aux", "sur", "ce", "cette", "ces"]
    ),
    "de": set(
        ["der", "die", "das", "ist", "sind", "was", "welche", "welcher", "wer", "wie", "wann", "wo", "kann", "können", "wir", "unser", "unsere", "mein", "für", "und", "in", "ein", "eine", "mit", "gibt", "es", "noch", "viel", "viele", "ich", "sie", "auch", "bei", "von", "zu", "dem", "den", "des", "nicht", "unternehmen"]
    ),
    "pl": set(
        ["jest", "są", "co", "który", "która", "które", "kto", "jak", "kiedy", "gdzie", "czy", "możemy", "nasza", "nasz", "nasze", "moja", "dla", "i", "w", "na", "z", "się", "ile", "jeszcze", "jaki", "jaka", "jakie", "firma", "firmy", "mamy", "jesteśmy", "nas", "do", "o", "od", "po", "to"]
    ),
    "es": set(
        ["el", "la", "los", "las", "es", "son", "qué", "cuál", "cuáles", "quién", "cómo", "cuándo", "dónde", "puede", "podemos", "nuestra", "nuestro", "mi", "de", "para", "y", "en", "una", "un", "con", "cuánto", "cuántos", "todavía", "hay", "empresa", "somos", "tenemos", "del", "al", "lo"]
    ),
    "it": set(
        ["il", "lo", "la", "gli", "le", "è", "sono", "che", "quale", "quali", "chi", "come", "quando", "dove", "può", "possiamo", "nostra", "nostro", "mio", "di", "per", "e", "in", "una", "un", "con", "quanto", "quanti", "ancora", "c'è", "ci", "azienda", "siamo", "abbiamo", "del", "della", "dei", "non"]
    ),
    "pt": set(
        ["o", "a", "os", "as", "é", "são", "que", "qual", "quais", "quem", "como", "quando", "onde", "pode", "podemos", "nossa", "nosso", "meu", "de", "para", "e", "em", "uma", "um", "com", "quanto", "quantos", "ainda", "há", "empresa", "somos", "temos", "do", "da", "dos", "não"]
    ),
    "nl": set(
        ["de", "het", "een", "is", "zijn", "wat", "welke", "wie", "hoe", "wanneer", "waar", "kan", "kunnen", "wij", "we", "onze", "mijn", "voor", "en", "in", "met", "hoeveel", "nog", "er", "bedrijf", "zijn", "hebben", "van", "op", "niet"]
    ),
}
_WORD = re.compile(r"[\wàâäçéèêëîïôöùûüÿñóíúáąćęłńśźżõãœ'-]+", re.I)
_POLISH = re.compile(r"[ąćęłńśźż]", re.I)
_GERMAN = re.compile(r"[äöüß]", re.I)

SUPPORTED = tuple(_STOPWORDS)


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of the likeliest supported language; English on a tie or when nothing is known."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return default
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    if _POLISH.search(text):
        scores["pl"] += 2
    if _GERMAN.search(text):
        scores["de"] += 1
    best = max(scores, key=lambda lang: (scores[lang], lang == default))
    return best if scores[best] > 0 else default
