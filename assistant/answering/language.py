"""Which language a question is in: a vote of function words and letters, enough for the short questions a chat
gets.

Every supported language has a list of function words (question words, pronouns, prepositions, common verbs)
and an alphabet (the letters beyond a-z it writes with). A question scores a point per function word of a
language; letters that only one supported language uses add to that language, and letters a language never uses
(Romanian "ț" for Portuguese, Czech "ř" for Slovak) count against it. Greek and Bulgarian are told by their
scripts. English wins ties, and a text with nothing to go on is English, so a language we do not support falls
back to English messages rather than to a neighbour's.
"""

from __future__ import annotations

import re
import unicodedata


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words, lower case, with their accents. Words that are also common English words (for, over, under,
# men, at) are left out of the other languages' lists: English questions must never be taken for another
# language, since English questions get the stricter refusal rules.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _wordset(
        """the is are what which who whom whose how when where why can could we our my does do did of for and
        to in an a with be there it this that was were will would much many still any their you your i on at
        by from or not no if than after before until since between about has have had its per get receive
        apply should must may been being these those into also only each every other same such more most
        less least deadline eligible funding call calls"""
    ),
    "fr": _wordset(
        """tout tous toutes tes ton ta moi me te le la les l' est sont quel quelle quels quelles qui que qu'
        quoi comment quand où peut peuvent pouvons nous notre nos mon ma mes des du pour et dans une un avec
        combien encore y a-t-il je j' vous votre vos est-ce au aux sur ce cette ces c' d' n' s' il elle ils
        elles on ne pas plus moins entre depuis selon après avant jusqu'à été était étaient sommes avons ont
        faut peut-on puis-je lequel laquelle lesquels chez sans très aussi entreprise entreprises"""
    ),
    "de": _wordset(
        """alle allen deine dein deinen deiner mir mich dich der die das ist sind was welche welcher welches
        wer wie wann wo warum kann können konnte konnten wir unser unsere unserer mein meine für und ein
        eine einen einem einer mit gibt es noch viel viele ich sie auch bei von zu zum zur dem den des nicht
        kein keine man wird werden wurde wurden war waren hat haben hatte darf dürfen muss müssen seit bis
        nach über unter aus oder aber bekommen erhalten sich im am vom ab welchen welchem wieviel
        unternehmen"""
    ),
    "pl": _wordset(
        """wszystkie wszystkich swoje swój swoich twoje twój mi mnie jego jej ten ta te tego tej tym być ma
        mają już tylko gdy jeśli jest są co który która które którzy kto jak kiedy gdzie dlaczego czy możemy
        może mogą nasza nasz nasze naszej moja mój dla i w we na z ze się ile jeszcze jaki jaka jakie jakiej
        jakich firma firmy mamy jesteśmy nas do o od po to był była było były będzie ich oraz lub albo ale
        nie tak też także według przez przy pod nad między jako którego której których wynosi można trzeba"""
    ),
    "es": _wordset(
        """todo todos todas tus tu me te el la los las es son qué cuál cuáles quién quiénes cómo cuándo dónde
        puede pueden podemos nuestra nuestro nuestras nuestros mi mis de para y en una un con cuánto cuánta
        cuántos cuántas todavía hay empresa somos tenemos del al lo se su sus por pero o u está están estaba
        fue fueron era sido ha han hasta desde según entre sobre muy también sí no si yo usted ustedes tiene
        tienen cada"""
    ),
    "it": _wordset(
        """tutto tutti tutte tue tuo tua mi ti il lo la gli le l' è sono che quale quali chi come quando dove
        perché può possono possiamo nostra nostro nostre nostri mio mia di per e ed in una un un' con quanto
        quanta quanti quante ancora c'è ci azienda siamo abbiamo del della dello dei degli delle al alla
        allo ai agli alle dal dalla nel nella nei nelle sul sulla non ha hanno era erano stato stata stati
        anche già dell' all' nell' dall' sull' c' d' cosa se io lei voi ogni tra fra"""
    ),
    "pt": _wordset(
        """todo todos todas tuas teu tua me o a os as é são que qual quais quem como quando onde pode podem
        podemos nossa nosso nossas nossos meu minha de para e em uma um com quanto quanta quantos quantas
        ainda há empresa somos temos do da dos das não no na nos nas ao aos pelo pela pelos pelas foi foram
        era eram está estão tem têm até desde sobre também já se seu sua seus suas você vocês cada entre ou
        mas"""
    ),
    "nl": _wordset(
        """oproep subsidie steun landen projecten coördinator deelnemen financiering maximaal minimaal bedrag
        omzet werknemers programma universiteit mkb kmo alle jouw mij me de het een is zijn wat welke welk
        wie hoe wanneer waar waarom kan kunnen konden wij we onze ons mijn voor en in met hoeveel nog er
        bedrijf hebben heeft had van op niet geen ook al bij naar uit over tot sinds door dat dit deze die
        was waren werd werden wordt worden moet moeten mag mogen krijgen krijgt ik u jullie je hun als dan
        of maar"""
    ),
    "cs": _wordset(
        """výzva výzvy výzvě podpora podporu země zemí klastr projekt projektu koordinátor koordinátorem vedl
        zúčastnit financování nejvýše nejméně částka obrat zaměstnanců programu univerzita být všechny
        všechno své svůj tvé tvůj mi mně je jsou jaký jaká jaké jakou jakého jakým který která které kterou
        kterého kdo co jak kdy kde proč může můžeme mohou můžou náš naše naši naší našeho moje můj pro a v
        ve na z ze s se do od po o k ke u za jsme máme má mají byl byla bylo byly bude budou ještě stále
        také nebo ale že už firma podnik nás tento tato toto ten ta to jestli zda lze musí musíme dostat
        získat kolik kolika mezi podle než pouze jen při není nejsou tedy bych by"""
    ),
    "sk": _wordset(
        """výzva výzvy výzve podpora podporu krajiny krajín klaster projekt projektu koordinátor koordinátorom
        viedol zúčastniť financovanie najviac najmenej suma obrat zamestnancov programu univerzita byť
        všetky všetko svoje svoj tvoje tvoj mi mne je sú aký aká aké akú akého akým ktorý ktorá ktoré ktorú
        ktorého kto čo ako kedy kde prečo môže môžeme môžu náš naša naše našu našej moja môj pre a v vo na z
        zo s so sa do od po o k ku u za sme máme má majú bol bola bolo boli bude budú ešte stále tiež alebo
        ale že už firma podnik nás tento táto toto ten tá to či podľa než iba len pri nie teda aj ak koľko
        koľkých by"""
    ),
    "ro": _wordset(
        """apel apelul sprijin finanțare țări țările proiect proiectul coordonator participa finanțat suma
        cifra afaceri angajați programul universitate toate toți tot tale tău îmi care este sunt ce cine cum
        când unde de poate pot putem noastră nostru nostri mea meu pentru și în la cu din pe un o unei unui
        al ale ai a fost era erau încă mai sau dar nu suntem avem firma firmă compania companie
        întreprindere că dacă acest această aceste acesta prin după până între despre fi au are se lui lor
        cât câți câte câtă există sa să ne vă"""
    ),
    "sv": _wordset(
        """utlysning utlysningen utlysningar ansökan ansöka stöd bidrag länder landet kluster klustret
        projektet projekten samordnare ledde leder deltog delta finansiering finansierade högst minst belopp
        beloppet omsättning anställda medarbetare småföretag programmet universitet alla allt dina din mig
        är vad vilken vilket vilka vem hur när var varför kan kunde vi vår vårt våra mitt och i på av till
        med ett det den de som om finns mycket många fortfarande har hade blev företag företaget företagen
        inte också eller att från efter mellan vid hos ska skulle får fick vara bli sedan än jag ni ert era
        varje någon något några"""
    ),
    "da": _wordset(
        """indkaldelse indkaldelsen ansøgning ansøge støtte tilskud lande landet klynge klynger klyngen
        projektet projekterne koordinator ledede deltage finansiering finansieret højst mindst beløb beløbet
        omsætning ansatte medarbejdere programmet universitet alle alt dine din mig er hvad hvilken hvilket
        hvilke hvem hvordan hvornår hvor hvorfor kan kunne vi vores mit og i på af til med et det den de som
        om findes meget mange stadig har havde blev virksomhed virksomheden virksomheder ikke også eller fra
        efter mellem ved hos skal skulle får fik være blive siden end jeg jer jeres hver nogen noget nogle"""
    ),
    "fi": _wordset(
        """haku haun hakemus tuki tukea tuen avustus maat maiden klusteri hanke hankkeen hankkeessa
        koordinaattori johti osallistua osallistui rahoitus rahoitusta rahoitti summa liikevaihto
        työntekijää työntekijöitä henkilöstö ohjelma ohjelman ohjelmaan ohjelmassa yliopisto kaikki kaiken
        sinun on ovat mikä mitkä mitä kuka ketkä miten kuinka milloin missä mistä mihin paljonko montako voi
        voiko voivatko voimme me meidän minun ja tai sekä myös ei eikä onko oli olivat olemme meillä yritys
        yrityksen yritykset yrityksemme se ne tämä tämän sen niiden kun jos kanssa vielä edelleen paljon
        enintään vähintään kuin saa saako saada jossa joka minkä kenen että mutta"""
    ),
    "hu": _wordset(
        """felhívás pályázat pályázati támogatás támogatást országok ország klaszter projekt projektet
        koordinátor vezette részt finanszírozás összeg árbevétel alkalmazott munkavállaló programban egyetem
        minden összes te nekem a az egy és van vannak mi mit mennyi mennyit hány mikor ki kik melyik milyen
        mekkora hogyan hol vagy nem is meg hogy vagyunk cég cégünk számára kell lehet mely ez azt ezt még
        már csak de ha által után között alatt szerint volt voltak lesz kap kaphat kaphatunk legfeljebb
        legalább nincs sem ami aki amely mióta meddig vagyok"""
    ),
    "hr": _wordset(
        """natječaj poziv potpora potporu zemlje klaster projekt projekta koordinator vodio sudjelovati
        financiranje najviše najmanje iznos promet zaposlenih programa sveučilište sve svi svoje tvoje tvoj
        mi meni je su što koji koja koje kojeg kojem kojoj tko kako kada kad gdje zašto koliko može možemo
        mogu naš naša naše naši moj moja za i u na s sa od do iz o po li smo imamo još uvijek također ili
        ali da nije nisu bio bila bilo bili tvrtka tvrtke poduzeće ovaj ova ovo taj to prema nakon između
        iznosi treba mora dobiti koliki kolika tijekom kod već"""
    ),
    "sl": _wordset(
        """razpis poziv podpora podporo države grozd projekt projekta koordinator vodil sodelovati financiranje
        največ najmanj znesek promet zaposlenih programa univerza vse vsi svoja svoje tvoja tvoje mi meni je
        so kaj kateri katera katero katere kdo kako kdaj kje zakaj koliko lahko naš naša naše naši moj moja
        za in v na s z od do iz o po ali smo imamo še vedno tudi ampak da ni niso bil bila bilo bili
        podjetje podjetja podjetju ta to ter glede med znaša mora dobiti kolikšen kolikšna kolikšno pri že"""
    ),
    # Greek and Bulgarian are recognised by their scripts; the Bulgarian words tell Bulgarian from other
    # languages written in Cyrillic.
    "el": _wordset(
        """ο η το οι τα τι ποιο ποια ποιος ποιες πότε πώς πόσο πόσα είναι και για με από σε στο στη στην"""
    ),
    "bg": _wordset(
        """е са какъв каква какво какви кой коя кое кои кога как къде колко може можем нашата нашият нашите за
        и в на с от до по ли ние сме има ще беше бяха още също или но че"""
    ),
}

# Letters beyond a-z that each language writes with (lower case). Greek and Bulgarian: by script instead.
_ALPHABETS: dict[str, str] = {
    "en": "",
    "fr": "àâæçéèêëîïôœùûüÿ",
    "de": "äöüß",
    "pl": "ąćęłńóśźż",
    "es": "áéíñóúü",
    "it": "àèéìíîòóùú",
    "pt": "áâãàçéêíóôõú",
    "nl": "éëïöüèáó",
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "ro": "ăâîșşțţ",
    "sv": "åäöé",
    "da": "æøåé",
    "fi": "äöåšž",
    "hu": "áéíóöőúüű",
    "hr": "čćđšž",
    "sl": "čšž",
}
_LATIN_LANGUAGES = tuple(_ALPHABETS)

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*['’]?", re.UNICODE)
_ELISION = re.compile(r"^([^\W\d_]{1,4}['’])(.+)$")  # l'appel, qu'une, dell'UE, c'era
_CONTRACTION = re.compile(r"^([a-z]+)'(?:s|t|re|ll|ve|d|m)$")  # what's, isn't, we're: English
_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Cyrillic letters Bulgarian does not use: Russian, Ukrainian, Belarusian, Serbian and Macedonian text.
_NOT_BULGARIAN = re.compile(r"[ыэёіїєґўђјљњћџѓќѕ]", re.IGNORECASE)

SUPPORTED = (*_LATIN_LANGUAGES, "el", "bg")


def _letter_owners() -> dict[str, list[str]]:
    owners: dict[str, list[str]] = {}
    for lang, letters in _ALPHABETS.items():
        for letter in letters:
            owners.setdefault(letter, []).append(lang)
    return owners


_OWNERS = _letter_owners()
_EXTRA_LETTERS = set(_OWNERS)


def _words(text: str) -> list[str]:
    """Lower-case words, an elided article or preposition split off as its own word ("l'", "qu'", "dell'")."""
    words: list[str] = []
    for raw in _WORD.findall(text.lower().replace("’", "'")):
        words.append(raw)
        contraction = _CONTRACTION.match(raw)
        match = _ELISION.match(raw)
        if contraction:
            words.append(contraction.group(1))
        elif match:
            words += [match.group(1), match.group(2)]
        elif "-" in raw:
            words += raw.split("-")
    return words


def language_scores(text: str) -> dict[str, float]:
    """Each supported language's score for the text (for tests and diagnostics)."""
    lowered = unicodedata.normalize("NFC", text.lower())
    words = _words(lowered)
    scores: dict[str, float] = {lang: float(sum(w in _STOPWORDS[lang] for w in words)) for lang in SUPPORTED}
    letters = {c for c in lowered if c in _EXTRA_LETTERS or (c.isalpha() and not c.isascii())}
    latin_extra = {c for c in letters if not _GREEK.match(c) and not _CYRILLIC.match(c)}
    for letter in latin_extra:
        owners = _OWNERS.get(letter, [])
        if len(owners) == 1:
            scores[owners[0]] += 2
        for lang in _LATIN_LANGUAGES:
            if lang != "en" and letter not in _ALPHABETS[lang]:
                scores[lang] -= 1
    greek = sum(bool(_GREEK.search(w)) for w in words)
    cyrillic = sum(bool(_CYRILLIC.search(w)) for w in words)
    scores["el"] = 2.0 * greek if greek else 0.0
    if cyrillic and not _NOT_BULGARIAN.search(lowered) and scores["bg"] > 0:
        scores["bg"] = 2.0 * cyrillic
    else:
        scores["bg"] = 0.0
    return scores


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of the likeliest supported language; the default (English) on a tie or when nothing is
    known."""
    if not text or not _WORD.search(text):
        return default
    scores = language_scores(text)
    best = max(scores, key=lambda lang: (scores[lang], lang == default))
    return best if scores[best] > 0 else default
