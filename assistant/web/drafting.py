"""Help-desk reply drafts: a conversation, or an enquiry e-mail pasted in, turned into an editable plain-text reply.

A draft is greeting, the cited answer, numbered source lines ("[1] Title, p. 3 - URL"), the caveats that apply and
a sign-off, in the enquirer's language when we have templates for it. The answer's quoted content stays in the
language of its source; only our own phrases are translated. A person edits and sends it: nothing is sent here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant import Answer
from assistant.answering.language import detect_language
from assistant.answering.prompts import PORTAL_URL

LANGUAGES = ("en", "fr", "de", "pl", "es", "it")
MAX_EMAIL_QUESTIONS = 3

GREETING: dict[str, str] = {
    "en": "Hello,",
    "fr": "Bonjour,",
    "de": "Guten Tag,",
    "pl": "Dzień dobry,",
    "es": "Hola:",
    "it": "Buongiorno,",
}
GREETING_NAMED: dict[str, str] = {
    "en": "Dear {name},",
    "fr": "Bonjour {name},",
    "de": "Guten Tag {name},",
    "pl": "Dzień dobry,",  # a Polish name would need its vocative; the neutral form reads better
    "es": "Estimado/a {name}:",
    "it": "Gentile {name},",
}
INTRO: dict[str, str] = {
    "en": "Thank you for your question. Here is what our documents say:",
    "fr": "Merci pour votre question. Voici ce qu'indiquent nos documents :",
    "de": "Vielen Dank für Ihre Frage. Unsere Unterlagen sagen dazu Folgendes:",
    "pl": "Dziękujemy za pytanie. Oto, co mówią nasze dokumenty:",
    "es": "Gracias por su pregunta. Esto es lo que dicen nuestros documentos:",
    "it": "Grazie per la sua domanda. Ecco cosa dicono i nostri documenti:",
}
QUESTION_LABEL: dict[str, str] = {
    "en": "Your question: {question}",
    "fr": "Votre question : {question}",
    "de": "Ihre Frage: {question}",
    "pl": "Pytanie: {question}",
    "es": "Su pregunta: {question}",
    "it": "La sua domanda: {question}",
}
SOURCES: dict[str, str] = {
    "en": "Sources:",
    "fr": "Sources :",
    "de": "Quellen:",
    "pl": "Źródła:",
    "es": "Fuentes:",
    "it": "Fonti:",
}
PAGE: dict[str, str] = {"en": "p.", "fr": "p.", "de": "S.", "pl": "s.", "es": "p.", "it": "p."}
CAVEAT_CLOSED: dict[str, str] = {
    "en": "Please note: a call mentioned above is closed and no longer accepts applications.",
    "fr": "Attention : un appel mentionné ci-dessus est clôturé et n'accepte plus de candidatures.",
    "de": "Bitte beachten Sie: Eine oben genannte Ausschreibung ist geschlossen und nimmt keine Anträge mehr an.",
    "pl": "Uwaga: jeden z wymienionych naborów jest zamknięty i nie przyjmuje już wniosków.",
    "es": "Tenga en cuenta que una convocatoria mencionada está cerrada y ya no admite solicitudes.",
    "it": "Si noti che un bando citato sopra è chiuso e non accetta più candidature.",
}
CAVEAT_NOTICE: dict[str, str] = {
    "en": "Note: {notice}",
    "fr": "Remarque : {notice}",
    "de": "Hinweis: {notice}",
    "pl": "Uwaga: {notice}",
    "es": "Nota: {notice}",
    "it": "Nota: {notice}",
}
# The assistant's notices (a call's status on a date, what an eligibility check still needs) are English
# sentences built from the documents' data; in another language the draft says so instead of passing them off.
CAVEAT_NOTICE_ENGLISH: dict[str, str] = {
    "en": "Note: {notice}",
    "fr": "Remarque (en anglais, comme dans nos documents) : {notice}",
    "de": "Hinweis (auf Englisch, wie in unseren Unterlagen): {notice}",
    "pl": "Uwaga (po angielsku, tak jak w naszych dokumentach): {notice}",
    "es": "Nota (en inglés, como en nuestros documentos): {notice}",
    "it": "Nota (in inglese, come nei nostri documenti): {notice}",
}
CAVEAT_PORTAL: dict[str, str] = {
    "en": "This reply is for information and is not legal advice. Please check the current rules, deadlines "
    "and documents on the official EU Funding & Tenders Portal ({url}) before applying.",
    "fr": "Cette réponse est informative et ne constitue pas un avis juridique. Vérifiez les règles, délais et "
    "documents en vigueur sur le portail officiel Funding & Tenders de l'UE ({url}) avant de postuler.",
    "de": "Diese Antwort dient der Information und ist keine Rechtsberatung. Bitte prüfen Sie die aktuellen "
    "Regeln, Fristen und Unterlagen im offiziellen Funding & Tenders Portal der EU ({url}), bevor Sie sich bewerben.",
    "pl": "Ta odpowiedź ma charakter informacyjny i nie stanowi porady prawnej. Przed złożeniem wniosku "
    "prosimy sprawdzić aktualne zasady, terminy i dokumenty na oficjalnym portalu Funding & Tenders UE ({url}).",
    "es": "Esta respuesta es informativa y no constituye asesoramiento jurídico. Antes de presentar una "
    "solicitud, consulte las normas, plazos y documentos vigentes en el portal oficial Funding & Tenders de la UE ({url}).",
    "it": "Questa risposta ha valore informativo e non costituisce consulenza legale. Prima di candidarsi, "
    "verifichi regole, scadenze e documenti aggiornati sul portale ufficiale Funding & Tenders dell'UE ({url}).",
}
SIGN_OFF: dict[str, str] = {
    "en": "Kind regards,\nThe Clusterdesk help desk",
    "fr": "Cordialement,\nLe service d'assistance Clusterdesk",
    "de": "Mit freundlichen Grüßen\nIhr Clusterdesk-Helpdesk",
    "pl": "Z poważaniem\nZespół pomocy Clusterdesk",
    "es": "Atentamente,\nEl servicio de asistencia de Clusterdesk",
    "it": "Cordiali saluti,\nIl servizio di assistenza Clusterdesk",
}
NOTHING_TO_DRAFT = "Ask a question first, or paste an enquiry e-mail, then press “Draft a reply”."
NO_QUESTION = "No question found in the e-mail: paste the enquirer's text (their question sentences)."

_GREETING_LINE = re.compile(
    r"^\s*(dear|hello|hi|hey|good (morning|afternoon|evening)|to whom it may concern|bonjour|bonsoir|"
    r"madame|monsieur|cher|chère|sehr geehrte[rs]?|hallo|guten (tag|morgen)|liebe[rs]?|dzień dobry|"
    r"szanown[iya]|witam|hola|estimad[oa]s?|buenos días|buenas tardes|buongiorno|buonasera|gentile|"
    r"egregi[oa]|salve|ciao)\b",
    re.IGNORECASE,
)
_SIGN_OFF_LINE = re.compile(
    r"^\s*(best|kind|warm|many thanks|thanks|thank you|regards|best regards|kind regards|sincerely|yours|"
    r"cheers|cordialement|bien (à vous|cordialement)|salutations|merci|mit freundlichen grüßen|"
    r"freundliche grüße|viele grüße|beste grüße|mfg|pozdrawiam|z poważaniem|dziękuję|saludos|"
    r"un saludo|atentamente|gracias|cordiali saluti|distinti saluti|saluti|grazie)\b[^?]{0,40}$",
    re.IGNORECASE,
)
_QUOTE_HEADER = re.compile(
    r"^\s*(on .+ wrote:|le .+ a écrit ?:|am .+ schrieb .+:|w dniu .+ napisał.*:|el .+ escribió:|"
    r"il giorno .+ ha scritto:|-{2,}\s*original message\s*-{2,}|-{2,}\s*(message d'origine|"
    r"ursprüngliche nachricht)\s*-{2,}|from:\s.+|de\s?:\s.+@.+|von:\s.+)$",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[^\s])")
_POINTERS = frozenset(
    [
        "it",
        "this",
        "that",
        "they",
        "them",
        "these",
        "those",
        "ce",
        "cela",
        "ça",
        "es",
        "das",
        "dies",
        "diese",
        "to",
        "ten",
        "ta",
        "te",
        "esto",
        "eso",
        "ello",
        "questo",
        "ciò",
    ]
)
_MARKER = re.compile(r"\[(\d+)\]")
_CLOSED = re.compile(r"\b(closed|has closed|no longer open|deadline (has )?passed|expired)\b", re.IGNORECASE)


@dataclass
class Enquiry:
    """What is left of an e-mail once greeting, signature and quoted text are gone."""

    questions: list[str]
    name: str = ""
    body: str = ""


def language_of(answers: Sequence[Answer]) -> str:
    """Our phrases follow the language the assistant detected, when we have templates for it."""
    for answer in answers:
        if answer.language in LANGUAGES:
            return answer.language
    return "en"


def parse_email(text: str) -> Enquiry:
    """Strip greeting, signature and quoted lines; keep the question sentences (with a short lead-in)."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    name = ""
    for i, raw in enumerate(lines):
        line = raw.strip()
        if line.startswith(">"):
            continue
        if _QUOTE_HEADER.match(line):
            break
        if line in ("--", "-- ", "—") or line.lower().startswith(
            ("sent from my", "envoyé de mon", "gesendet von")
        ):
            break
        if _SIGN_OFF_LINE.match(line) and not line.endswith("?"):
            name = _name_after(lines[i + 1 :])
            break
        if not kept and _GREETING_LINE.match(line):
            rest = re.split(r"[,:!]", line, maxsplit=1)
            if len(rest) == 2 and len(rest[1].split()) > 3:
                kept.append(rest[1].strip())
            continue
        kept.append(line)
    body = re.sub(r"\s+", " ", " ".join(kept)).strip()
    sentences = [s.strip() for s in _SENTENCE.split(body) if s.strip()]
    questions: list[str] = []
    for j, sentence in enumerate(sentences):
        if not sentence.endswith("?"):
            continue
        if j > 0 and not sentences[j - 1].endswith("?") and _needs_lead_in(sentence):
            sentence = f"{sentences[j - 1]} {sentence}"
        questions.append(sentence)
    if not questions and body:
        questions = [body]
    return Enquiry(questions=questions[:MAX_EMAIL_QUESTIONS], name=name, body=body)


def _needs_lead_in(question: str) -> bool:
    """A short question, or one pointing back ("is it open?"), is asked with the sentence before it."""
    words = re.findall(r"\w+", question.lower())
    return len(words) < 6 or bool(_POINTERS.intersection(words))


def _name_after(lines: Sequence[str]) -> str:
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        words = line.split()
        if 1 <= len(words) <= 4 and not any(ch.isdigit() or ch in "@:/" for ch in line):
            return line.strip(",.")
        return ""
    return ""


def _renumber(text: str, mapping: dict[int, int]) -> str:
    return _MARKER.sub(lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", text)


def source_line(n: int, title: str, page: int | None, url: str, language: str = "en") -> str:
    line = f"[{n}] {title}"
    if page:
        line += f", {PAGE.get(language, 'p.')} {page}"
    if url:
        line += f" - {url}"
    return line


def caveat_notice(notice: str, language: str) -> str:
    """One of the assistant's notices as a caveat line in the draft's language, saying when it stays English."""
    english = language != "en" and detect_language(notice) == "en"
    return (CAVEAT_NOTICE_ENGLISH if english else CAVEAT_NOTICE)[language].format(notice=notice)


def draft_reply(turns: Sequence[tuple[str, Answer]], *, name: str = "") -> str:
    """One reply to one or more (question, answer) turns, with citations numbered across the whole reply."""
    if not turns:
        return NOTHING_TO_DRAFT
    lang = language_of([a for _, a in turns])
    greeting = GREETING_NAMED[lang].format(name=name) if name else GREETING[lang]
    blocks = [greeting, INTRO[lang]]
    numbers: dict[tuple[str, int | None, str], int] = {}
    lines: list[str] = []
    notices: list[str] = []
    for question, answer in turns:
        mapping: dict[int, int] = {}
        for c in answer.citations:
            key = (c.title, c.page, c.url)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                lines.append(source_line(numbers[key], c.title, c.page, c.url, lang))
            mapping[c.n] = numbers[key]
        text = _renumber(answer.text.strip(), mapping)
        if len(turns) > 1:
            text = QUESTION_LABEL[lang].format(question=question.strip()) + "\n" + text
        blocks.append(text)
        notices += [n for n in answer.notices if not n.startswith("Citation check") and n not in notices]
    if lines:
        blocks.append(SOURCES[lang] + "\n" + "\n".join(lines))
    caveats = []
    if any(_CLOSED.search(n) for n in notices):
        caveats.append(CAVEAT_CLOSED[lang])
    caveats += [caveat_notice(n, lang) for n in notices]
    caveats.append(CAVEAT_PORTAL[lang].format(url=PORTAL_URL))
    blocks.append("\n".join(caveats))
    blocks.append(SIGN_OFF[lang])
    return "\n\n".join(blocks) + "\n"


def draft_from_email(email: str, ask: Callable[[str], Answer]) -> str:
    """Find the questions in a pasted e-mail, ask each, and draft one reply to the sender."""
    enquiry = parse_email(email)
    if not enquiry.questions:
        return NO_QUESTION
    turns = [(q, ask(q)) for q in enquiry.questions]
    return draft_reply(turns, name=enquiry.name)
