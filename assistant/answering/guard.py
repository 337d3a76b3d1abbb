"""Instructions hidden in questions or documents are recognised, never obeyed.

The extractive answerer cannot be talked into anything (it only quotes sentences), but a question that is an
attack deserves a polite refusal rather than a quote, and a document sentence that gives orders must never be
shown as fact.
"""

from __future__ import annotations

import re

_PATTERNS = [
    # English
    r"\bignore\b.{0,40}\b(instruction|rule|prompt|previous|above|guideline)s?\b",
    r"\bdisregard\b.{0,40}\b(instruction|rule|prompt|previous|above)s?\b",
    r"\bforget\b.{0,30}\b(instruction|rule|everything|previous|prompt)s?\b",
    r"\b(system|hidden|initial|original|secret)\s+(prompt|instruction|message)s?\b",
    r"\b(reveal|print|show|repeat|output|leak|display|dump)\b.{0,30}"
    r"\b(your|hidden|system|secret|initial|original)\s+(system\s+)?(prompt|instructions|canary)\b",
    r"\byou are now\b|\bact as (an?|my) (ai|assistant|chatbot|unrestricted|evil|different|new)\b",
    r"\bpretend (to be|you are)\b|\brole-?play\b|\bjailbreak\b|\bdeveloper mode\b|\bdo anything now\b",
    r"\b(answer|reply|respond|output)\b.{0,20}\b(only )?(in|with|as)\b.{0,10}\b(html|javascript|markdown image)\b",
    r"<\s*(script|iframe|img|svg|object|embed|style|a)\b|javascript:|on(error|load)\s*=",
    r"!\[[^\]]*\]\(\s*https?://",
    r"\b(tell|inform|state)\b.{0,40}\b(users?|readers?|everyone)\b.{0,40}\b(deadline|that)\b",
    r"\bassistant must\b|\bthe (ai|assistant|model|chatbot) (must|should) (say|state|answer|reply|print)\b",
    r"\b(print|say|include|add|write|append|mention|output|state|repeat|insert|end)\b.{0,60}"
    r"\b(in|to|at the end of|with) (every|each|all|any) (of your )?(answers?|responses?|replies|outputs?)\b",
    r"\b(end|finish|begin|start|sign)\b (every|each|all) (of your )?(answers?|responses?|replies)\b",
    # French
    r"\bignore[rz]?\b.{0,40}\b(instructions?|consignes?|règles?)\b",
    r"\b(invite|prompt|instructions?) (système|cachée?s?|secrète?s?)\b",
    r"\b(révèle|affiche|montre|répète|traduis)\b.{0,40}\b(ton|tes|ta|votre|vos)\s+"
    r"(prompt|invite|instructions?|consignes?)\b",
    r"\btu es (maintenant|désormais)\b",
    # German
    r"\bignorier\w*\b.{0,40}\b(anweisung|regel|vorgabe|prompt)\w*",
    r"\b(system|versteckte?n?|geheime?n?)[- ]?(prompt|anweisung)\w*",
    r"\b(zeig|gib|verrat|wiederhol)\w*\b.{0,40}\b(deine|dein|versteckte\w*|system)\s*(prompt|anweisung)\w*",
    r"\bdu bist (jetzt|nun|ab sofort)\b",
    # Polish
    r"\bzignoruj\w*\b|\bignoruj\w*\b",
    r"\b(prompt|instrukcj\w*) systemow\w*\b|\bukryt\w* (prompt|instrukcj)\w*",
    r"\b(pokaż|ujawnij|wypisz|powtórz|przetłumacz)\b.{0,40}\b(sw\w+|twoj\w+|systemow\w+)\s+(prompt|instrukcj\w*)",
    r"\bjesteś teraz\b|\budawaj\b",
    # Spanish
    r"\bignora\w*\b.{0,40}\b(instrucciones|reglas|indicaciones)\b",
    r"\b(muestra|revela|repite|dime)\b.{0,40}\b(tu|tus|el)\s+(prompt|instrucciones)\b",
    r"\b(prompt|instrucciones) (del sistema|ocultas|secretas)\b",
    r"\b(ahora eres|actúa como)\b",
    # Italian
    r"\bignora\w*\b.{0,40}\b(istruzioni|regole)\b",
    r"\b(mostra|rivela|ripeti|dimmi)\b.{0,40}\b(il tuo|le tue|il)\s+(prompt|istruzioni)\b",
    r"\b(prompt|istruzioni) (di sistema|nascost[ei]|segret[ei])\b",
    r"\b(ora sei|fingi di essere)\b",
]
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE | re.DOTALL)
_CASED = re.compile(r"\bDAN\b")


def looks_like_injection(text: str) -> bool:
    """True when the text tries to instruct the assistant rather than ask about funding."""
    return bool(_INSTRUCTION.search(text) or _CASED.search(text))


def is_instruction_sentence(sentence: str) -> bool:
    """A document sentence addressed to the assistant: never quoted, and its document is flagged."""
    return looks_like_injection(sentence)
