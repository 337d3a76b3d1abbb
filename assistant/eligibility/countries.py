"""Which countries a scheme accepts, and the names people use for them in six languages.

The lists are exactly those of the sources (FACTS R-07, R-08, P-10): the 27 EU Member States, the 16 Horizon 2020
associated countries, and the non-EU countries taking part in COSME in 2018. Country names and demonyms are in
English, French, German, Polish, Spanish and Italian, with the usual inflections, plus ISO codes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

__all__ = [
    "COSME_NON_EU",
    "COUNTRIES",
    "EU_MEMBER_STATES",
    "H2020_ASSOCIATED",
    "Country",
    "CountryMention",
    "cosme_status",
    "find_countries",
    "h2020_status",
    "lookup_country",
]

EU_MEMBER_STATES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)
H2020_ASSOCIATED = frozenset(
    ["IS", "NO", "AL", "BA", "MK", "ME", "RS", "TR", "IL", "MD", "CH", "FO", "UA", "TN", "GE", "AM"]
)
COSME_NON_EU = frozenset(["IS", "AL", "BA", "XK", "ME", "MK", "RS", "TR", "AM", "MD", "UA"])
UK = "GB"

# code: English name | English adjective | then "lang: names and adjectives" groups. Lower-case entries are
# adjectives and get their inflected forms; entries in the _CASED set only count when capitalised as written.
_TABLE = """
AT|Austria|Austrian|fr: Autriche, autrichien|de: Österreich, österreichisch|pl: Austria, Austrii, austriacki|es: austriaco|it: austriaco
BE|Belgium|Belgian|fr: Belgique, belge|de: Belgien, belgisch|pl: Belgia, Belgii, belgijski|es: Bélgica, belga|it: Belgio
BG|Bulgaria|Bulgarian|fr: Bulgarie, bulgare|de: Bulgarien, bulgarisch|pl: Bułgaria, Bułgarii, bułgarski|es: búlgaro|it: bulgaro
HR|Croatia|Croatian|fr: Croatie, croate|de: Kroatien, kroatisch|pl: Chorwacja, Chorwacji, chorwacki|es: Croacia, croata|it: Croazia, croato
CY|Cyprus|Cypriot|fr: Chypre, chypriote|de: Zypern, zyprisch|pl: Cypr, Cypru, Cyprze, cypryjski|es: Chipre, chipriota|it: Cipro, cipriota
CZ|Czechia|Czech|en: Czech Republic|fr: Tchéquie, République tchèque, tchèque|de: Tschechien, tschechisch|pl: Czechy, Czech, Czechach, czeski|es: Chequia, República Checa, checo|it: Cechia, Repubblica Ceca, ceco
DK|Denmark|Danish|fr: Danemark, danois|de: Dänemark, dänisch|pl: Dania, Danii, duński|es: Dinamarca, danés|it: Danimarca, danese
EE|Estonia|Estonian|fr: Estonie, estonien|de: Estland, estnisch|pl: Estonii, estoński|es: estonio|it: estone
FI|Finland|Finnish|fr: Finlande, finlandais|de: Finnland, finnisch|pl: Finlandia, Finlandii, fiński|es: finlandés|it: finlandese
FR|France|French|fr: français|de: Frankreich, französisch|pl: Francja, Francji, francuski|es: Francia, francés|it: francese
DE|Germany|German|fr: Allemagne, allemand|de: Deutschland, deutsch|pl: Niemcy, Niemiec, Niemczech, niemiecki|es: Alemania, alemán, alemana, alemanes|it: Germania, tedesco
GR|Greece|Greek|fr: Grèce, grec, grecque|de: Griechenland, griechisch|pl: Grecja, Grecji, grecki|es: Grecia, griego|it: greco
HU|Hungary|Hungarian|fr: Hongrie, hongrois|de: Ungarn, ungarisch|pl: Węgry, Węgier, Węgrzech, węgierski|es: Hungría, húngaro|it: Ungheria, ungherese
IE|Ireland|Irish|fr: Irlande, irlandais|de: Irland, irisch|pl: Irlandia, Irlandii, irlandzki|es: Irlanda, irlandés|it: irlandese
IT|Italy|Italian|fr: Italie, italien|de: Italien, italienisch|pl: Włochy, Włoch, Włoszech, włoski|es: Italia, italiano|it: Italia
LV|Latvia|Latvian|fr: Lettonie, letton|de: Lettland, lettisch|pl: Łotwa, Łotwy, Łotwie, łotewski|es: Letonia, letón|it: Lettonia, lettone
LT|Lithuania|Lithuanian|fr: Lituanie, lituanien|de: Litauen, litauisch|pl: Litwa, Litwy, Litwie, litewski|es: Lituania, lituano|it: Lituania
LU|Luxembourg|Luxembourgish|fr: luxembourgeois|de: Luxemburg, luxemburgisch|pl: Luksemburg, Luksemburga, luksemburski|es: Luxemburgo, luxemburgués|it: Lussemburgo, lussemburghese
MT|Malta|Maltese|fr: Malte, maltais|de: maltesisch|pl: Malty, Malcie, maltański|es: maltés|it: maltese
NL|Netherlands|Dutch|en: Holland|fr: Pays-Bas, néerlandais|de: Niederlande, niederländisch|pl: Holandia, Holandii, Niderlandy, holenderski|es: Países Bajos, neerlandés, holandés|it: Paesi Bassi, Olanda, olandese
PL|Poland|Polish|fr: Pologne, polonais|de: Polen, polnisch|pl: Polska, Polski, Polsce, polski|es: Polonia, polaco|it: polacco
PT|Portugal|Portuguese|fr: portugais|de: portugiesisch|pl: Portugalia, Portugalii, portugalski|es: portugués|it: Portogallo, portoghese
RO|Romania|Romanian|fr: Roumanie, roumain|de: Rumänien, rumänisch|pl: Rumunia, Rumunii, rumuński|es: Rumanía, rumano|it: rumeno
SK|Slovakia|Slovak|fr: Slovaquie, slovaque|de: Slowakei, slowakisch|pl: Słowacja, Słowacji, słowacki|es: Eslovaquia, eslovaco|it: Slovacchia, slovacco
SI|Slovenia|Slovenian|en: Slovene|fr: Slovénie, slovène|de: Slowenien, slowenisch|pl: Słowenia, Słowenii, słoweński|es: Eslovenia, esloveno|it: sloveno
ES|Spain|Spanish|fr: Espagne, espagnol|de: Spanien, spanisch|pl: Hiszpania, Hiszpanii, hiszpański|es: España, español, española, españoles|it: Spagna, spagnolo
SE|Sweden|Swedish|fr: Suède, suédois|de: Schweden, schwedisch|pl: Szwecja, Szwecji, szwedzki|es: Suecia, sueco|it: Svezia, svedese
IS|Iceland|Icelandic|fr: Islande, islandais|de: Island, isländisch|pl: Islandia, Islandii, islandzki|es: islandés|it: Islanda, islandese
NO|Norway|Norwegian|fr: Norvège, norvégien|de: Norwegen, norwegisch|pl: Norwegia, Norwegii, norweski|es: Noruega, noruego|it: Norvegia, norvegese
AL|Albania|Albanian|fr: Albanie, albanais|de: Albanien, albanisch|pl: Albanii, albański|es: albanés|it: albanese
BA|Bosnia and Herzegovina|Bosnian|en: Bosnia, Bosnia-Herzegovina, Bosnia & Herzegovina|fr: Bosnie-Herzégovine, Bosnie, bosnien|de: Bosnien und Herzegowina, Bosnien-Herzegowina, Bosnien, bosnisch|pl: Bośnia i Hercegowina, Bośni i Hercegowinie, Bośnia, bośniacki|es: Bosnia y Herzegovina, bosnio|it: Bosnia ed Erzegovina, bosniaco
MK|North Macedonia|North Macedonian|en: Macedonia, Macedonian|fr: Macédoine du Nord, Macédoine, macédonien|de: Nordmazedonien, Mazedonien, mazedonisch|pl: Macedonia Północna, Macedonii Północnej, macedoński|es: Macedonia del Norte, macedonio|it: Macedonia del Nord, macedone
ME|Montenegro|Montenegrin|fr: Monténégro, monténégrin|de: montenegrinisch|pl: Czarnogóra, Czarnogóry, Czarnogórze, czarnogórski|es: montenegrino|it: montenegrino
RS|Serbia|Serbian|fr: Serbie, serbe|de: Serbien, serbisch|pl: Serbii, serbski|es: serbio|it: serbo
TR|Turkey|Turkish|en: Türkiye, Turkiye|fr: Turquie, turc, turque|de: Türkei, türkisch|pl: Turcja, Turcji, turecki|es: Turquía, turco|it: Turchia
IL|Israel|Israeli|fr: Israël, israélien|de: israelisch|pl: Izrael, Izraela, Izraelu, izraelski|es: israelí|it: Israele, israeliano
MD|Moldova|Moldovan|fr: Moldavie, moldave|de: Moldau, Moldawien, moldauisch|pl: Mołdawia, Mołdawii, mołdawski|es: Moldavia, moldavo|it: Moldavia
CH|Switzerland|Swiss|fr: Suisse|de: Schweiz, schweizerisch, Schweizer|pl: Szwajcaria, Szwajcarii, szwajcarski|es: Suiza, suizo|it: Svizzera, svizzero
FO|Faroe Islands|Faroese|en: Faroes, Faeroe Islands|fr: Îles Féroé, Féroé|de: Färöer, Färöer-Inseln|pl: Wyspy Owcze, Wysp Owczych|es: Islas Feroe|it: Isole Fær Øer, Isole Faroe
UA|Ukraine|Ukrainian|fr: ukrainien|de: ukrainisch|pl: Ukraina, Ukrainy, Ukrainie, ukraiński|es: Ucrania, ucraniano|it: Ucraina, ucraino
TN|Tunisia|Tunisian|fr: Tunisie, tunisien|de: Tunesien, tunesisch|pl: Tunezja, Tunezji, tunezyjski|es: Túnez, tunecino|it: tunisino
GE|Georgia|Georgian|fr: Géorgie, géorgien|de: Georgien, georgisch|pl: Gruzja, Gruzji, gruziński|es: georgiano|it: georgiano
AM|Armenia|Armenian|fr: Arménie, arménien|de: Armenien, armenisch|pl: Armenii, armeński|es: armenio|it: armeno
XK|Kosovo|Kosovar|fr: kosovar|de: kosovarisch|pl: Kosowo, Kosowa, kosowski|es: kosovar|it: kosovaro
GB|United Kingdom|British|en: UK, U.K., Great Britain, Britain, England, Scotland, Wales, Northern Ireland, Scottish, Welsh|fr: Royaume-Uni, Grande-Bretagne, Angleterre, britannique|de: Vereinigtes Königreich, Großbritannien, Grossbritannien, England, britisch|pl: Wielka Brytania, Wielkiej Brytanii, Anglia, Anglii, brytyjski|es: Reino Unido, Gran Bretaña, Inglaterra, británico|it: Regno Unito, Gran Bretagna, Inghilterra, britannico
US|United States|American|en: United States of America, USA, U.S.A., U.S., US|fr: États-Unis, Etats-Unis, américain|de: Vereinigte Staaten, amerikanisch|pl: Stany Zjednoczone, Stanów Zjednoczonych, Stanach Zjednoczonych, amerykański|es: Estados Unidos, EE. UU., EEUU, estadounidense|it: Stati Uniti, statunitense
CA|Canada|Canadian|fr: canadien|de: Kanada, kanadisch|pl: Kanadzie, Kanady, kanadyjski|es: Canadá, canadiense|it: canadese
CN|China|Chinese|fr: Chine, chinois|de: chinesisch|pl: Chiny, Chin, Chinach, chiński|es: chino|it: Cina, cinese
JP|Japan|Japanese|fr: Japon, japonais|de: japanisch|pl: Japonia, Japonii, japoński|es: Japón, japonés|it: Giappone, giapponese
IN|India|Indian|fr: Inde|de: Indien, indisch|pl: Indie, Indiach, indyjski|es: indio|it: indiano
BR|Brazil|Brazilian|fr: Brésil, brésilien|de: Brasilien, brasilianisch|pl: Brazylia, Brazylii, brazylijski|es: Brasil, brasileño|it: Brasile, brasiliano
RU|Russia|Russian|fr: Russie, russe|de: Russland, russisch|pl: Rosja, Rosji, rosyjski|es: Rusia, ruso|it: russo
BY|Belarus|Belarusian|fr: Biélorussie, biélorusse|de: Weißrussland, Belarus, belarussisch|pl: Białoruś, Białorusi, białoruski|es: Bielorrusia, bielorruso|it: Bielorussia, bielorusso
LI|Liechtenstein|Liechtensteiner|pl: liechtensteiński
AU|Australia|Australian|fr: Australie, australien|de: Australien, australisch|pl: Australii, australijski|es: australiano|it: australiano
KR|South Korea|South Korean|en: Korea|fr: Corée du Sud|de: Südkorea|pl: Korea Południowa, Korei Południowej|es: Corea del Sur|it: Corea del Sud
MX|Mexico|Mexican|fr: Mexique, mexicain|de: Mexiko, mexikanisch|pl: Meksyk, Meksyku, meksykański|es: México, mexicano|it: Messico, messicano
MA|Morocco|Moroccan|fr: Maroc, marocain|de: Marokko, marokkanisch|pl: Maroko, marokański|es: Marruecos, marroquí|it: Marocco, marocchino
EG|Egypt|Egyptian|fr: Égypte, égyptien|de: Ägypten, ägyptisch|pl: Egipt, Egiptu, egipski|es: Egipto, egipcio|it: Egitto, egiziano
"""

_CASED = frozenset({"Island", "US", "U.S.", "USA", "Indie", "Chin"})
# Two-letter codes that are ordinary words; free text names these countries, only forms take the code.
_AMBIGUOUS_CODES = frozenset(
    {"IT", "IS", "NO", "AT", "BE", "ME", "AM", "IN", "AL", "CA", "MA", "DE", "ES", "US"}
)
_ALPHA3 = {
    "AUT": "AT", "BEL": "BE", "BGR": "BG", "HRV": "HR", "CYP": "CY", "CZE": "CZ", "DNK": "DK", "EST": "EE",
    "FIN": "FI", "FRA": "FR", "DEU": "DE", "GRC": "GR", "HUN": "HU", "IRL": "IE", "ITA": "IT", "LVA": "LV",
    "LTU": "LT", "LUX": "LU", "MLT": "MT", "NLD": "NL", "POL": "PL", "PRT": "PT", "ROU": "RO", "SVK": "SK",
    "SVN": "SI", "ESP": "ES", "SWE": "SE", "ISL": "IS", "NOR": "NO", "ALB": "AL", "BIH": "BA", "MKD": "MK",
    "MNE": "ME", "SRB": "RS", "TUR": "TR", "ISR": "IL", "MDA": "MD", "CHE": "CH", "FRO": "FO", "UKR": "UA",
    "TUN": "TN", "GEO": "GE", "ARM": "AM", "XKX": "XK", "GBR": "GB", "USA": "US", "CAN": "CA", "CHN": "CN",
    "JPN": "JP", "IND": "IN", "BRA": "BR", "RUS": "RU", "BLR": "BY", "LIE": "LI",
}  # fmt: skip
_CODE_ALIASES = {"EL": "GR", "UK": "GB"}
# A run of capitalised codes ("PL, DE and NO") or one code in brackets ("(IT)") is a list of countries.
_CODE_LIST = re.compile(
    r"\([A-Z]{2}\)|(?<![\w.])[A-Z]{2}(?:\s*(?:,|/|&|\band\b|\bund\b|\bet\b|\bi\b|\by\b|\be\b)\s*[A-Z]{2})+(?![\w])"
)


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    adjective: str

    @property
    def display(self) -> str:
        """The name as it sits in a sentence: "the United Kingdom", "Poland"."""
        plural = self.code in {"NL", "US", "FO", "GB"}
        return f"the {self.name}" if plural else self.name


@dataclass(frozen=True)
class CountryMention:
    country: Country
    start: int
    end: int
    alias: str


def fold(text: str) -> str:
    """Lower case without accents, one character for one, so positions in the folded text match the original."""
    out = []
    for char in text.lower():
        base = unicodedata.normalize("NFKD", char)[0]
        out.append({"ł": "l", "ø": "o", "æ": "a", "’": "'"}.get(char, base if base.isascii() else char))
    return "".join(out)


def _inflect(word: str, lang: str) -> list[str]:
    """The common inflected forms of an adjective, so "polska", "polnische", "polaca" are found too."""
    forms = [word]
    if lang == "fr":
        forms.append(word + "ne" if word.endswith("ien") else word if word.endswith("e") else word + "e")
    elif lang == "de" and word.endswith("isch"):
        forms += [word + end for end in ("e", "en", "er", "es", "em")]
    elif lang == "pl" and word.endswith("i"):
        forms += [word[:-1] + end for end in ("a", "ie", "iej", "im", "iego", "ich", "iemu")]
    elif lang == "es" and word.endswith("o"):
        forms += [word[:-1] + end for end in ("a", "os", "as")]
    elif lang == "es" and word.endswith("és"):
        forms += [word[:-2] + "esa", word[:-2] + "eses"]
    elif lang == "it" and word.endswith("o"):
        forms += [word[:-1] + end for end in ("a", "i", "e")]
    elif lang == "it" and word.endswith("e"):
        forms.append(word[:-1] + "i")
    elif lang == "en" and word[0].isupper() and word.endswith("ian"):
        forms.append(word + "s")
    return forms


@cache
def _tables() -> tuple[dict[str, Country], dict[str, str], list[tuple[str, str, bool]]]:
    countries: dict[str, Country] = {}
    aliases: dict[str, str] = {}
    for line in _TABLE.strip().splitlines():
        code, name, adjective, *groups = line.split("|")
        countries[code] = Country(code, name, adjective)
        words = [("en", name), ("en", adjective)]
        for group in groups:
            lang, _, names = group.partition(":")
            words += [(lang.strip(), w.strip()) for w in names.split(",") if w.strip()]
        for lang, word in words:
            forms = (
                _inflect(word, lang) if word[0].islower() or (lang == "en" and word == adjective) else [word]
            )
            for form in forms:
                aliases.setdefault(form, code)
    ordered = sorted(aliases.items(), key=lambda item: -len(item[0]))
    patterns = [(form, code, form in _CASED) for form, code in ordered]
    return countries, {fold(k): v for k, v in aliases.items() if k not in _CASED}, patterns


@cache
def _regex() -> re.Pattern[str]:
    _, _, patterns = _tables()
    folded = sorted({fold(form) for form, _, cased in patterns if not cased}, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(f) for f in folded) + r")(?![\w])")


@cache
def _cased_regex() -> re.Pattern[str]:
    _, _, patterns = _tables()
    cased = sorted({form for form, _, c in patterns if c}, key=len, reverse=True)
    codes = sorted((set(_tables()[0]) | set(_CODE_ALIASES)) - _AMBIGUOUS_CODES)
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(f) for f in [*cased, *codes]) + r")(?![\w])")


COUNTRIES: dict[str, Country] = _tables()[0]


def lookup_country(value: str | None) -> Country | None:
    """A country from a form field: a name or demonym in any of the six languages, or an ISO code."""
    if not value or not value.strip():
        return None
    raw = value.strip()
    countries, aliases, patterns = _tables()
    upper = raw.upper().replace(".", "")
    code = _CODE_ALIASES.get(upper) or _ALPHA3.get(upper) or (upper if upper in countries else None)
    if code is None:
        code = aliases.get(fold(raw)) or next(
            (c for form, c, cased in patterns if cased and form == raw), None
        )
    if code is None:
        mentions = find_countries(raw)
        code = mentions[0].country.code if len(mentions) == 1 else None
    return countries.get(code) if code else None


def find_countries(text: str) -> list[CountryMention]:
    """Every country named in ``text``, in reading order; two-letter codes only in capitals and unambiguous."""
    countries, aliases, patterns = _tables()
    cased_codes = {form: code for form, code, cased in patterns if cased}
    found: list[CountryMention] = []
    taken: list[tuple[int, int]] = []
    for match in _regex().finditer(fold(text)):
        code = aliases[match.group(1)]
        found.append(
            CountryMention(countries[code], match.start(), match.end(), text[match.start() : match.end()])
        )
        taken.append(match.span())
    for match in _cased_regex().finditer(text):
        if any(match.start() < e and s < match.end() for s, e in taken):
            continue
        token = match.group(1)
        code = cased_codes.get(token) or _CODE_ALIASES.get(token) or token
        if code in countries:
            found.append(CountryMention(countries[code], match.start(), match.end(), token))
            taken.append(match.span())
    for match in _CODE_LIST.finditer(text):
        codes = [(m.group(0), m.start() + match.start()) for m in re.finditer(r"[A-Z]{2}", match.group(0))]
        resolved = [(_CODE_ALIASES.get(tok, tok), pos) for tok, pos in codes]
        if len(codes) == 1 and not match.group(0).startswith("("):
            continue
        if not all(code in countries for code, _ in resolved):
            continue
        for (code, pos), (token, _) in zip(resolved, codes, strict=True):
            if not any(pos < e and s < pos + 2 for s, e in taken):
                found.append(CountryMention(countries[code], pos, pos + 2, token))
                taken.append((pos, pos + 2))
    found.sort(key=lambda m: m.start)
    return found


def h2020_status(code: str) -> str:
    """ "member_state", "associated", "uk_withdrawal" (R-08) or "not_eligible" for Horizon 2020 funding."""
    if code in EU_MEMBER_STATES:
        return "member_state"
    if code in H2020_ASSOCIATED:
        return "associated"
    return "uk_withdrawal" if code == UK else "not_eligible"


def cosme_status(code: str) -> str:
    """ "member_state", "cosme_participant" (the non-EU list of P-10) or "not_eligible"."""
    if code in EU_MEMBER_STATES:
        return "member_state"
    return "cosme_participant" if code in COSME_NON_EU else "not_eligible"
