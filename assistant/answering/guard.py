"""Instructions hidden in questions or documents are recognised, never obeyed.

The extractive answerer cannot be talked into anything (it only quotes sentences), but a question that is an
attack deserves a polite refusal rather than a quote, and a document sentence that gives orders must never be
shown as fact.

English patterns read the text as written. The other languages' patterns read it folded (lower case, no
accents: see ``assistant.glossary.fold``), so "olvidá", "olvida" and "OLVIDA" meet; they are written with their
accents for legibility and folded when compiled. Each language has the same five kinds of attack: ignore or
forget your instructions (an imperative and an object that names the assistant's instructions: "tus reglas",
"les instructions précédentes", not "j'ai oublié les règles"), reveal your prompt or configuration, you are now /
from now on / pretend to be / developer mode, answer in HTML or JavaScript, and hand over passwords or API keys
of the system.
"""

from __future__ import annotations

import re

from assistant.glossary import fold

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
    # English: overrides, leaking the context, credentials, markup to write
    r"\b(system|admin|administrator|developer|security|safety) override\b",
    r"\boverride (your|the|all|any) (previous )?(instructions|rules|guidelines|safety|restrictions|system)\b",
    r"\b(administrator|admin|developer|owner|operator|creator)s? (has|have) (authori[sz]ed|allowed|permitted|"
    r"cleared|instructed) you\b",
    r"\brepeat (the |all |everything |every word )(of )?(the )?(text |words |content |message |lines? )?"
    r"(above|before|preceding|prior to)\b",
    r"\b(repeat|print|output|translate|summari[sz]e|write out)\b.{0,30}\b(the )?(text|words|instructions|message)"
    r" you (were|have been) given\b",
    r"\b(first|last) (sentence|line|words?|paragraph) of your (instructions|prompt|rules|system message)\b",
    r"\b(print|dump|output|export|list)\b.{0,30}\b(every|all|each|entire)\b.{0,20}\b(documents?|files?|chunks?)\b"
    r".{0,20}\b(in|from|of) (your|the) (index|database|knowledge base|vector store)\b",
    r"\b(file|server|system) paths?\b.{0,40}\b(index|documents?|files?)\b|\b(index|documents?)\b.{0,40}\bfile paths?\b",
    r"\b(admin|administrator|root|system|server|database)\w* (passwords?|credentials|logins?)\b",
    r"\b(api[- ]?keys?|access tokens?|secret keys?|environment variables)\b",
    r"\ban? (ai|assistant|model|chatbot|bot) (with no|without( any)?) (restrictions|rules|filters|limits)\b",
    r"\b(write|create|generate|produce|build)\b.{0,30}\b(javascript|html page|html form|script|snippet)\b.{0,60}"
    r"(https?://|document\.cookie|\bform\b)",
    r"\b(as|into) an? html (page|document|form)\b",
    # English: a pasted "source" that the question orders to be believed over the documents
    r"\bas your (top|main|primary|only|first|highest|authoritative|most (important|reliable|authoritative)) "
    r"(source|authority|reference)\b",
    r"\b(treat|take|consider|regard) (it|this|that|these|the (following|above|text|quote|update))\b.{0,30}"
    r"\bas (the )?(top|primary|only|highest|authoritative|official) (source|authority|truth)\b",
    r"\b(official|new|latest|secret|internal) (corpus|index|knowledge base|document|rule|policy) update\b",
]

# Other languages, written with accents and folded when compiled. Every entry: (language, pattern).
_FOLDED_PATTERNS: list[tuple[str, str]] = []


def _add(lang: str, *patterns: str) -> None:
    _FOLDED_PATTERNS.extend((lang, p) for p in patterns)


def _ignore(verbs: str, qualifiers: str, nouns: str, bare: bool = False) -> list[str]:
    """Ignore/forget + the assistant's instructions. The object needs a qualifier (yours, all, previous,
    above, of the system) before or after the noun, unless ``bare`` (languages whose imperative cannot be
    read as "I forgot")."""
    found = [
        rf"\b({verbs})\b.{{0,40}}\b({qualifiers})\b.{{0,25}}\b({nouns})\b",
        rf"\b({verbs})\b.{{0,40}}\b({nouns})\b.{{0,15}}\b({qualifiers})\b",
    ]
    if bare:
        found.append(rf"\b({verbs})\b.{{0,40}}\b({nouns})\b")
    return found


def _reveal(verbs: str, secrets: str) -> list[str]:
    return [rf"\b({verbs})\b.{{0,40}}\b({secrets})\b"]


def _markup(verbs: str) -> str:
    return rf"\b({verbs})\b.{{0,40}}\b(html|javascript)\b"


def _credentials(nouns: str, system: str) -> list[str]:
    return [
        rf"\b({nouns})\b.{{0,30}}\b({system})",
        rf"\b({system})\w*\b.{{0,30}}\b({nouns})\b",
        r"\bapi[- ]?(keys?|schlussel\w*|klucz\w*|claves?|chiavi|chiave|chaves?|sleutel\w*|"
        r"klic\w*|kluc\w*|chei|cheile|cheia|nyck\w*|nøgl\w*|avai\w*|kulcs\w*|kljuc\w*|κλειδι\w*|ключ\w*)\b",
        r"\b(cles?|chaves?|claves?|chiavi|chiave|klucz\w*|klic\w*|kluc\w*|chei|cheile|kljuc\w*|κλειδι\w*|ключ\w*)"
        r"( de| d'| do| dell'| za)? ?api\b",
    ]


# A prompt named as such, in any language: "systemprompt", "prompt systemowy", "prompt di sistema".
_add("any", r"\bsystem ?prompt\w*|\bprompt\w* (de |di |do |del |du )?(system|sistem|systeem)\w*")

_SYSTEM = r"järjestelm\w*|ylläpitäj\w*|beheerder\w*|správc\w*|sustav\w*|skrbnik\w*|διαχειριστ\w*|admin\w*|administra\w*|system\w*|sistem\w*|systeem\w*|systém\w*|rendszer\w*|σύστημα\w*|συστήματ\w*|систем\w*|root|server\w*|servidor\w*|serveur\w*"

# French
_add(
    "fr",
    *_ignore(
        r"ignore|ignorez|ignorer|oublie|oubliez|néglige|négligez|outrepasse|outrepassez|fais abstraction de|"
        r"faites abstraction de|ne tiens pas compte de|ne tenez pas compte de",
        r"tes|vos|ton|ta|toutes|tous|précédentes?|antérieures?|ci-dessus|initiales?|du système|système",
        r"instructions?|consignes?|règles|directives|prompt|invite|restrictions|limites|programmation",
    ),
    *_reveal(
        r"révèle|révélez|affiche|affichez|montre|montrez|répète|répétez|traduis|traduisez|donne|donnez|écris|"
        r"écrivez|imprime|imprimez|divulgue|divulguez|recopie|recopiez|dis-moi|dites-moi|communique|communiquez",
        r"(tes|vos|ton|ta) (instructions|consignes|règles|directives|configuration|paramètres|prompt)|"
        r"(instructions|consignes|configuration|message|paramètres) (système|cachée?s?|secrète?s?|internes?|"
        r"initiale?s?|de départ)",
    ),
    r"\b(tu es|vous êtes) (maintenant|désormais|à présent|dorénavant)\b",
    r"\b(désormais|à partir de maintenant|dorénavant|à partir d'aujourd'hui),? (tu|vous) (es|êtes|réponds|répondez|"
    r"dois|devez|vas|allez|ne)\b",
    r"\b(fais|faites) semblant d'être\b|\b(joue|jouez) le rôle\b|\bmode (développeur|sans restriction|sans filtre)\b",
    _markup(r"réponds|répondez|réponse|écris|écrivez|formate|formatez|rédige|rédigez"),
    *_credentials(r"mots? de passe|identifiants", _SYSTEM),
)
# German
_add(
    "de",
    *_ignore(
        r"ignorier\w*|vergiss|vergesst|vergessen sie|missachte\w*|überschreib\w*|übergeh\w*",
        r"deine\w*|dein|ihre\w*|alle\w*|bisherig\w*|vorherig\w*|obig\w*|vorig\w*|ursprünglich\w*|system\w*",
        r"anweisung\w*|regel\w*|vorgabe\w*|prompt\w*|richtlinie\w*|instruktion\w*|einschränkung\w*|befehl\w*|"
        r"systemnachricht\w*|systemprompt\w*",
        bare=False,
    ),
    *_reveal(
        r"zeig\w*|gib|geben sie|verrat\w*|wiederhol\w*|nenn\w*|druck\w*|schreib\w*|offenbar\w*|enthüll\w*|"
        r"übersetz\w*|ausgeben",
        r"(deine|dein)\w* (anweisung|regel|vorgabe|konfiguration|instruktion|einstellung|prompt)\w*|"
        r"(ihre|ihr)\w* (anweisung|konfiguration|instruktion|prompt)\w*|"
        r"(interne|versteckte|geheime|system)\w*[- ]?(anweisung|konfiguration|nachricht|vorgabe|instruktion|prompt)"
        r"\w*",
    ),
    r"\bdu bist (jetzt|nun|ab sofort|ab jetzt|von nun an)\b",
    r"\b(ab jetzt|ab sofort|von nun an|von jetzt an),? (bist du|antwortest du|antworte|sollst du|wirst du|musst du)\b",
    r"\btu so,? als (ob|wärst|seist)\b|\bspiel\w* (du )?die rolle\b|\bgib dich als\b|\bentwicklermodus\b",
    _markup(r"antwort\w*|schreib\w*|formatier\w*|ausgabe"),
    *_credentials(r"passw(o|oe)rt\w*|kennw(o|oe)rt\w*|zugangsdaten", _SYSTEM),
)
# Polish
_add(
    "pl",
    *_ignore(
        r"zignoruj|zignorujcie|ignoruj|ignorujcie|zapomnij|zapomnijcie|pomiń|pomińcie|nie zwracaj uwagi na|"
        r"nie stosuj się do",
        r"swoj\w*|swe|swój|twoj\w*|twój|wszystk\w*|poprzedni\w*|wcześniejsz\w*|powyższ\w*|systemow\w*",
        r"instrukcj\w*|poleceń|polecenia|polecenie|zasad\w*|reguł\w*|prompt\w*|ograniczeń|ograniczenia|wytyczn\w*",
        bare=True,
    ),
    *_reveal(
        r"pokaż|pokażcie|ujawnij|ujawnijcie|wypisz|wypiszcie|powtórz|powtórzcie|przetłumacz|podaj|podajcie|"
        r"wyświetl|wydrukuj|zdradź|napisz|napiszcie",
        r"(swoj\w*|swe|swój|twoj\w*|twój) (instrukcj|poleceni|zasad|konfiguracj|ustawie|prompt)\w*|"
        r"(ukryt|systemow|wewnętrzn|tajn)\w* (instrukcj|poleceni|konfiguracj|ustawie|prompt)\w*|"
        r"(instrukcj|poleceni|prompt)\w* (systemow|ukryt)\w*",
    ),
    r"\bjesteś teraz\b|\b(od teraz|od tej chwili|od tej pory|od dziś),? (jesteś|będziesz|odpowiadaj|odpowiadasz)\b",
    r"\budawaj\b|\bwciel się w\b|\btryb (dewelopera|deweloperski|programisty)\b",
    _markup(r"odpowiadaj|odpowiedz|odpowiedź|napisz|pisz|sformatuj"),
    *_credentials(r"hasła|haseł|hasło|dane logowania", _SYSTEM),
)
# Spanish
_add(
    "es",
    *_ignore(
        r"ignora|ignore|ignorad|ignoren|olvida|olvide|olvidad|olviden|olvídate|olvídese|omite|omita|descarta|"
        r"descarte|haz caso omiso de|no hagas caso (a|de)|sáltate",
        r"tus|tu|vuestras?|todas|todos|anteriores|previas?|originales|de arriba|del sistema",
        r"instrucciones|instrucción|reglas|normas|indicaciones|directrices|prompt|restricciones|limitaciones|órdenes",
    ),
    *_reveal(
        r"muestra|muéstrame|muestre|revela|revélame|revele|repite|repita|dime|dígame|imprime|imprima|escribe|"
        r"escriba|enseña|enséñame|traduce|copia|dame|deme|proporciona",
        r"(tus|tu) (instrucciones|reglas|indicaciones|configuración|directrices|prompt)|(sus|su) prompt|"
        r"(instrucciones|configuración|mensaje|indicaciones) (del sistema|de sistema|ocultas?|secretas?|internas?|"
        r"iniciales?)",
    ),
    r"\bahora (eres|serás)\b",
    r"\b(a partir de ahora|de ahora en adelante|desde ahora),? (eres|serás|responde\w*|contesta\w*|actúa\w*|"
    r"debes|vas a)\b",
    r"\b(finge|finja|fingid) (ser|que)\b|\bhaz de cuenta\b|\bmodo (desarrollador|programador|sin restricciones)\b",
    r"(?<!\w )(?<![\w¿])(actúa|actúe) como\b|\bahora (actúa|actúe) como\b",  # an order, not "¿quién actúa como?"
    _markup(r"responde\w*|contesta\w*|escribe|escriba|respuesta|formatea"),
    *_credentials(r"contraseñas?|credenciales", _SYSTEM),
)
# Italian
_add(
    "it",
    *_ignore(
        r"ignora|ignori|ignorate|dimentica|dimentichi|dimenticate|tralascia|trascura|non tenere conto (di|delle)",
        r"tue|tuoi|tua|tuo|tutte|tutti|precedenti|originali|di sistema|sopra",
        r"istruzioni|regole|direttive|indicazioni|prompt|restrizioni|limitazioni|vincoli",
    ),
    *_reveal(
        r"mostra|mostrami|rivela|rivelami|ripeti|dimmi|stampa|scrivi|traduci|dammi|fornisci|copia|visualizza|elenca",
        r"(le tue|la tua|i tuoi|il tuo|tue|tua|tuoi|tuo) (istruzioni|regole|configurazione|impostazioni|direttive|"
        r"prompt)|(istruzioni|configurazione|impostazioni|messaggio) (di sistema|nascost\w*|segret\w*|intern\w*|"
        r"iniziali)",
    ),
    r"\b(ora|adesso) sei\b",
    r"\b(d'ora in poi|da ora in poi|da adesso in poi|d'ora in avanti|da questo momento),? (sei|sarai|rispondi|"
    r"risponderai|devi|agisci|comportati)\b",
    r"\b(fingi|fai finta) di essere\b|\bmodalità (sviluppatore|sviluppo|senza restrizioni)\b|\bimpersona\b",
    _markup(r"rispondi|risposta|risposte|scrivi|formatta"),
    *_credentials(r"password|credenziali", _SYSTEM),
)
# Portuguese
_add(
    "pt",
    *_ignore(
        r"ignora|ignore|ignorem|esquece|esqueça|esqueçam|desconsidera|desconsidere|descarta|descarte",
        r"tuas|teus|tua|teu|todas|todos|anteriores|prévias|originais|do sistema|acima",
        r"instruções|instrução|regras|diretrizes|indicações|prompt|restrições|limitações|ordens",
    ),
    *_reveal(
        r"mostra|mostre|revela|revele|repete|repita|diz-me|diga-me|diga|imprime|imprima|escreve|escreva|traduz|"
        r"traduza|dá-me|dê-me|fornece|forneça",
        r"(tuas|teus|tua|teu) (instruções|regras|configuração|diretrizes|definições|prompt)|(seu|sua) prompt|"
        r"(instruções|configuração|mensagem|definições|prompt) (do sistema|de sistema|ocult\w*|secret\w*|intern\w*|"
        r"iniciais)",
    ),
    r"\bagora (és|tu és|você é)\b",
    r"\b(a partir de agora|de agora em diante|doravante),? (és|tu és|você é|serás|responde\w*|deves|vais)\b",
    r"\b(finge|finja) (ser|que)\b|\bfaz de conta\b|\bmodo (de )?(programador|desenvolvedor|desenvolvimento)\b",
    _markup(r"responde\w*|resposta|escreve|escreva|formata"),
    *_credentials(r"senhas?|palavras?-passe|credenciais", _SYSTEM),
)
# Dutch
_add(
    "nl",
    *_ignore(
        r"negeer|vergeet|let niet op|houd geen rekening met",
        r"je|jouw|uw|alle|vorige|eerdere|bovenstaande|oorspronkelijke|systeem\w*",
        r"instructies|instructie|regels|richtlijnen|prompt|beperkingen|opdrachten",
    ),
    *_reveal(
        r"toon|laat|onthul|herhaal|geef|print|schrijf|vertaal|vertel|noem",
        r"(je|jouw|uw) (instructies|regels|configuratie|instellingen|richtlijnen|prompt)|"
        r"(verborgen|geheime|interne|systeem)\w*[- ]?(instructies|configuratie|prompt|bericht)",
    ),
    r"\b(je bent|jij bent) (nu|vanaf nu|voortaan)\b",
    r"\b(vanaf nu|van nu af aan|voortaan),? (ben je|ben jij|antwoord|reageer|moet je|ga je|je bent)\b",
    r"\bdoe alsof\b|\bspeel de rol\b|\bontwikkelaarsmodus\b|\bontwikkelaarmodus\b",
    _markup(r"antwoord\w*|schrijf|formatteer|reageer"),
    *_credentials(r"wachtwoord\w*|inloggegevens", _SYSTEM),
)
# Czech
_add(
    "cs",
    *_ignore(
        r"ignoruj|ignorujte|zapomeň|zapomeňte|nevšímej si|nevšímejte si|nedbej|nedbejte",
        r"sv\w*|tv\w*|vaš\w*|všechn\w*|předchoz\w*|původn\w*|systémov\w*|výše",
        r"instrukc\w*|pokyn\w*|pravidl\w*|prompt\w*|omezení|nastavení",
        bare=True,
    ),
    *_reveal(
        r"ukaž|ukažte|odhal|odhalte|vypiš|vypište|zopakuj|zopakujte|přelož|přeložte|napiš|napište|prozraď|"
        r"prozraďte|řekni|řekněte|sděl|sdělte|vytiskni|vytiskněte|zobraz|zobrazte",
        r"(sv|tv|vaš)\w* (instrukc|pokyn|pravidl|konfigurac|nastaven|prompt)\w*|"
        r"(skryt|systémov|intern|tajn)\w* (instrukc|pokyn|konfigurac|nastaven|prompt)\w*",
    ),
    r"\b(teď|nyní) jsi\b|\bjsi (teď|nyní)\b",
    r"\b(od teď|od této chvíle|odteď|odnynějška),? (jsi|budeš|odpovídej|odpovídáš|máš)\b",
    r"\bpředstírej\w*\b|\bhraj roli\b|\bvydávej se za\b|\bvývojářsk\w* režim\w*\b|\brežim\w* vývojáře\b",
    _markup(r"odpovídej|odpověz|odpověď|odpovědi|napiš\w*|formátuj"),
    *_credentials(r"hesla|hesel|heslo|přihlašovací údaje", _SYSTEM),
)
# Slovak
_add(
    "sk",
    *_ignore(
        r"ignoruj|ignorujte|zabudni|zabudnite|nevšímaj si|nevšímajte si|nedbaj|nedbajte",
        r"svoj\w*|tvoj\w*|vaš\w*|všetk\w*|predchádzajúc\w*|pôvodn\w*|systémov\w*|vyššie",
        r"inštrukci\w*|pokyn\w*|pravidl\w*|prompt\w*|obmedzeni\w*|nastaveni\w*",
        bare=True,
    ),
    *_reveal(
        r"ukáž|ukážte|odhaľ|odhaľte|vypíš|vypíšte|zopakuj|zopakujte|prelož|preložte|napíš|napíšte|prezraď|"
        r"prezraďte|povedz|povedzte|zobraz|zobrazte|vytlač|vytlačte",
        r"(svoj|tvoj|vaš)\w* (inštrukci|pokyn|pravidl|konfiguráci|nastaveni|prompt)\w*|"
        r"(skryt|systémov|intern|tajn)\w* (inštrukci|pokyn|konfiguráci|nastaveni|prompt)\w*",
    ),
    r"\b(odteraz|od teraz|od tejto chvíle),? (si|budeš|odpovedaj|odpovedáš|máš)\b",
    r"\bpredstieraj\w*\b|\bhraj rolu\b|\bvydávaj sa za\b|\bvývojársk\w* režim\w*\b|\brežim\w* vývojára\b",
    _markup(r"odpovedaj|odpovedz|odpoveď|odpovede|napíš\w*|formátuj"),
    *_credentials(r"heslá|hesiel|heslo|prihlasovacie údaje", _SYSTEM),
)
# Romanian
_add(
    "ro",
    *_ignore(
        r"ignoră|ignorați|uită(?!-te)|uitați(?!-vă)|nu ține cont de|nu țineți cont de",
        r"tale|tău|voastre|toate|anterioare|precedente|inițiale|de mai sus|de sistem",
        r"instrucțiuni\w*|reguli\w*|regulile|indicații\w*|prompt\w*|restricții\w*|directive\w*",
    ),
    *_reveal(
        r"arată-mi|arată|dezvăluie|dezvăluiți|afișează|afișați|repetă|repetați|scrie|scrieți|spune-mi|spuneți-mi|"
        r"tradu|traduceți|dă-mi|dați-mi|printează|tipărește",
        r"(instrucțiunile|regulile|configurația|setările|promptul) (tale|voastre|de sistem|ascunse|secrete|interne|"
        r"inițiale)|(instrucțiuni|configurație|setări|prompt)\w* (de sistem|ascuns\w*|secret\w*|intern\w*)",
    ),
    r"\b(de acum (înainte|încolo)|din acest moment|de acum),? (ești|vei fi|răspunde|răspunzi|trebuie să răspunzi)\b",
    r"\bacum ești\b|\bprefă-te\b|\bpretinde că ești\b|\bjoacă rolul\b|\bmod(ul)? (dezvoltator|de dezvoltare)\b",
    r"\bcomportă-te ca\b",
    _markup(r"răspunde\w*|răspunsul|scrie\w*|formatează"),
    *_credentials(r"parole(le)?|parolă|parola|datele de autentificare", _SYSTEM),
)
# Swedish
_add(
    "sv",
    *_ignore(
        r"ignorera|glöm|strunta i|bortse från|bortse ifrån",
        r"dina|din|ditt|era|alla|tidigare|ovanstående|ursprungliga|system\w*",
        r"instruktion\w*|regler\w*|riktlinjer\w*|prompt\w*|begränsning\w*",
    ),
    *_reveal(
        r"visa|avslöja|upprepa|skriv ut|skriv|översätt|berätta|ge mig|lista",
        r"(dina|din|ditt|era) (instruktioner|regler|konfiguration|inställningar|riktlinjer|prompt)|"
        r"(dolda|hemliga|interna|system)\w*[- ]?(instruktioner|konfiguration|prompt|meddelande)",
    ),
    r"\bdu är (nu|från och med nu)\b",
    r"\b(från och med nu|från nu|hädanefter),? (är du|svarar du|ska du|svara)\b",
    r"\blåtsas (att du är|vara)\b|\bspela rollen\b|\butvecklarläge\w*\b",
    _markup(r"svara|svaret|svar|skriv|formatera"),
    *_credentials(r"lösenord\w*|inloggningsuppgifter", _SYSTEM),
)
# Danish
_add(
    "da",
    *_ignore(
        r"ignorer|glem|se bort fra|tilsidesæt",
        r"dine|din|dit|jeres|alle|tidligere|ovenstående|oprindelige|system\w*",
        r"instruktion\w*|regler\w*|retningslinjer\w*|prompt\w*|begrænsning\w*",
    ),
    *_reveal(
        r"vis|afslør|gentag|skriv ud|skriv|oversæt|fortæl|giv mig|list",
        r"(dine|din|dit|jeres) (instruktioner|regler|konfiguration|indstillinger|retningslinjer|prompt)|"
        r"(skjulte|hemmelige|interne|system)\w*[- ]?(instruktioner|konfiguration|prompt|besked)",
    ),
    r"\bdu er (nu|fra nu af)\b",
    r"\b(fra nu af|fremover|fra nu),? (er du|svarer du|skal du|svar)\b",
    r"\blad som om\b|\bspil rollen\b|\budviklertilstand\b",
    _markup(r"svar\w*|skriv|formater"),
    *_credentials(r"adgangskode\w*|loginoplysninger", _SYSTEM),
)
# Finnish: the imperative (unohda, ohita) is never the past tense, so no qualifier is needed.
_add(
    "fi",
    *_ignore(
        r"ohita|ohittakaa|unohda|unohtakaa|sivuuta|sivuuttakaa|jätä huomiotta|älä välitä",
        r"kaikki|aiemmat|aikaisemmat|edelliset|alkuperäiset|sinun|yllä olevat",
        r"ohje\w*|sääntö\w*|säännö\w*|kehote\w*|prompt\w*|rajoitu\w*",
        bare=True,
    ),
    *_reveal(
        r"näytä|paljasta|toista|kirjoita|tulosta|käännä|kerro|anna|listaa",
        r"ohjeesi|sääntösi|asetuksesi|kehotteesi|järjestelmäkeho\w*|järjestelmäohje\w*|"
        r"(piilotet|salai|sisäi)\w* (ohje|kehote|asetuk|konfiguraatio)\w*",
    ),
    r"\bolet nyt\b|\b(tästä lähtien|tästä eteenpäin|nyt lähtien),? (olet|vastaat|vastaa|toimit)\b",
    r"\bteeskentele\b|\besitä olevasi\b|\bleiki olevasi\b|\bkehittäjätila\w*\b",
    _markup(r"vastaa|vastaus|vastauksesi|kirjoita|muotoile"),
    *_credentials(r"salasan\w*|tunnukset|kirjautumistiedot", _SYSTEM),
)
# Hungarian: the imperative (felejtsd el, hagyd figyelmen kívül) is never the past tense.
_add(
    "hu",
    *_ignore(
        r"hagyd figyelmen kívül|hagyja figyelmen kívül|felejtsd el|felejtse el|ne törődj|ne foglalkozz|"
        r"ignoráld|ignorálja",
        r"az összes|minden|eddigi|korábbi|előző|fenti|eredeti|rendszer\w*",
        r"utasítás\w*|szabály\w*|irányelv\w*|prompt\w*|korlátoz\w*",
        bare=True,
    ),
    *_reveal(
        r"mutasd|mutassa|fedd fel|fedje fel|ismételd|ismételje|írd ki|írja ki|nyomtasd|fordítsd|mondd el|add meg|"
        r"sorold fel|listázd",
        r"utasításaid\w*|szabályaid\w*|beállításaid\w*|konfigurációd\w*|promptod\w*|"
        r"(rejtett|titkos|belső|rendszer)\w* ?(utasítás|prompt|beállítás|konfiguráció)\w*",
    ),
    r"\b(mostantól|ettől kezdve|mostantól kezdve),? (te )?((egy )?\w+ )?(vagy|válaszolj|leszel|válaszolsz)\b",
    r"\bmost (már )?te (egy )?\w+ vagy\b|\btegyél úgy,? mintha\b|\btegyen úgy,? mintha\b|\bjátszd el\b",
    r"\bfejlesztői mód\w*\b",
    _markup(r"válaszolj|válasz\w*|írd|írj|formázd"),
    *_credentials(r"jelszav\w*|jelszó\w*|bejelentkezési adatok", _SYSTEM),
)
# Croatian (and Serbian or Bosnian in Latin script)
_add(
    "hr",
    *_ignore(
        r"ignoriraj|ignorirajte|zaboravi|zaboravite|zanemari|zanemarite|ne obaziri se na",
        r"svoj\w*|tvoj\w*|vaš\w*|sve|sva|svi|prethodn\w*|ranij\w*|gornj\w*|izvorn\w*|sistemsk\w*|sustavsk\w*",
        r"upute|uputa|uputama|uputstv\w*|pravila|naredb\w*|prompt\w*|ograničenj\w*",
    ),
    *_reveal(
        r"pokaži|prikaži|otkrij|ponovi|ispiši|napiši|prevedi|reci mi|daj mi|navedi",
        r"(svoj|tvoj|vaš)\w* (upute|uputa|pravila|postavk\w*|konfiguracij\w*|prompt\w*)|"
        r"(skriven|sistemsk|sustavsk|intern|tajn)\w* (upute|uputa|postavk|konfiguracij|prompt)\w*",
    ),
    r"\b(od sada|od ovog trenutka|odsad),? (si|ćeš|odgovaraj|odgovaraš|moraš|budi)\b|\bti si sada\b",
    r"\bpretvaraj se\b|\bglumi\b|\bigraj ulogu\b|\brazvojn\w* način\w*\b|\bnačin\w* za razvojne programere\b",
    _markup(r"odgovori|odgovaraj|odgovor\w*|napiši|piši|formatiraj"),
    *_credentials(r"lozink\w*|pristupni podaci", _SYSTEM),
)
# Slovene
_add(
    "sl",
    *_ignore(
        r"ignoriraj|ignorirajte|pozabi|pozabite|prezri|prezrite|ne upoštevaj|ne upoštevajte",
        r"svoj\w*|tvoj\w*|vaš\w*|vsa|vse|vsi|prejšnj\w*|zgornj\w*|izvirn\w*|sistemsk\w*",
        r"navodil\w*|pravil\w*|ukaz\w*|prompt\w*|omejitv\w*",
    ),
    *_reveal(
        r"pokaži|prikaži|razkrij|ponovi|izpiši|napiši|prevedi|povej mi|daj mi|navedi",
        r"(svoj|tvoj|vaš)\w* (navodil|pravil|nastavitv|konfiguracij|prompt)\w*|"
        r"(skrit|sistemsk|notranj|tajn)\w* (navodil|nastavitv|konfiguracij|prompt)\w*",
    ),
    r"\b(odslej|od zdaj naprej|od zdaj|od sedaj),? (si|boš|odgovarjaj|odgovarjaš|moraš)\b",
    r"\bpretvarjaj se\b|\bigraj vlogo\b|\brazvijalsk\w* način\w*\b|\bnačin\w* za razvijalce\b",
    _markup(r"odgovori|odgovarjaj|odgovor\w*|napiši|piši|oblikuj"),
    *_credentials(r"gesl\w*|podatki za prijavo", _SYSTEM),
)
# Greek
_add(
    "el",
    *_ignore(
        r"αγνόησε|αγνοήστε|ξέχασε|ξεχάστε|παράβλεψε|παραβλέψτε",
        r"σου|σας|όλες|όλους|όλα|προηγούμεν\w*|αρχικ\w*|του συστήματος",
        r"οδηγί\w*|κανόν\w*|κανον\w*|εντολ\w*|prompt\w*",
    ),
    *_reveal(
        r"δείξε|δείξτε|αποκάλυψε|αποκαλύψτε|επανάλαβε|γράψε|τύπωσε|μετάφρασε|πες μου|δώσε μου|εμφάνισε",
        r"(οδηγίες|κανόνες|ρυθμίσεις|εντολές) (σου|σας|του συστήματος)|"
        r"(κρυφ|μυστικ|εσωτερικ)\w* (οδηγί|ρυθμίσ|εντολ|prompt)\w*",
    ),
    r"\b(τώρα|από τώρα( και στο εξής)?|από εδώ και πέρα),? (είσαι|θα είσαι|απάντα|απαντάς|θα απαντάς)\b",
    r"\bπροσποιήσου\b|\bκάνε πως είσαι\b|\bπαίξε τον ρόλο\b|\bλειτουργία προγραμματιστή\b",
    _markup(r"απάντα\w*|απάντησ\w*|γράψε|μορφοποίησε"),
    *_credentials(r"κωδικ\w* πρόσβασης|συνθηματικ\w*", _SYSTEM),
)
# Bulgarian
_add(
    "bg",
    *_ignore(
        r"игнорирай|игнорирайте|забрави|забравете|пренебрегни|пренебрегнете|не обръщай внимание на",
        r"си|твоите|вашите|всички|предишни\w*|горни\w*|първоначални\w*|системни\w*",
        r"инструкци\w*|правила|правилата|указани\w*|промпт\w*|prompt\w*|ограничени\w*",
    ),
    *_reveal(
        r"покажи|покажете|разкрий|разкрийте|повтори|напиши|изпиши|преведи|кажи ми|дай ми|отпечатай|изведи",
        r"(твоите|своите|вашите) (инструкции|правила|настройки|указания|промпт\w*)|"
        r"(скрит|системн|вътрешн|тайн)\w* (инструкции|настройки|указания|промпт\w*)",
    ),
    r"\b(отсега( нататък)?|от сега нататък|от този момент( нататък)?),? (ти )?(си|ще бъдеш|отговаряй|ще отговаряш)\b",
    r"\bти си (сега|вече)\b|\bпреструвай се\b|\bпрестори се\b|\bиграй ролята\b|\bрежим (за|на) разработчи\w*\b",
    _markup(r"отговаряй|отговори|отговор\w*|напиши|пиши|форматирай"),
    *_credentials(r"парол\w*|данни за вход", _SYSTEM),
)


def _folded(pattern: str) -> str:
    """The pattern as the folded text reads: accents off, lower case (so no upper-case escapes may be used)."""
    if re.search(r"\\[A-Z]", pattern):
        raise ValueError(f"upper-case escape in a folded pattern: {pattern}")
    return fold(pattern)


_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE | re.DOTALL)


def _branches(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


def _group_end(text: str) -> int:
    """Index of the bracket that closes the group opening ``text``."""
    depth, i = 0, 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        depth += (text[i] == "(") - (text[i] == ")")
        if depth == 0:
            return i
        i += 1
    raise ValueError(f"unbalanced group: {text}")


_LOOKBEHIND = re.compile(r"^\(\?<!(?:[^()\\]|\\.)*\)")


def _first_words(pattern: str) -> list[str] | None:
    """What the first word of any match starts with (letters only), or None when that cannot be told."""
    found: list[str] = []
    for branch in _branches(pattern):
        while True:  # leading word boundaries and negative lookbehinds constrain nothing we need
            if branch.startswith("\\b"):
                branch = branch[2:]
            elif _LOOKBEHIND.match(branch):
                branch = branch[_LOOKBEHIND.match(branch).end() :]
            else:
                break
        if branch.startswith("("):
            end = _group_end(branch)
            if branch[end + 1 : end + 2] in ("?", "*"):
                return None  # an optional group: the match may start after it
            inner = _first_words(branch[1:end].removeprefix("?:"))
            if inner is None:
                return None
            found += inner
            continue
        word = re.match(r"\w+", branch)
        if not word:
            return None
        found.append(word.group(0))
    return found


_COMPILED = [re.compile(_folded(p), re.DOTALL) for _, p in _FOLDED_PATTERNS]
# Every pattern is tried only when a word of the text starts as one of its matches can start: a few hundred
# patterns in one alternation would cost a millisecond per sentence, and every sentence of every passage read
# for an answer is screened.
_BY_START: dict[str, list[tuple[str, int]]] = {}
_ALWAYS: list[int] = []
for _index, (_, _pattern) in enumerate(_FOLDED_PATTERNS):
    _starts = _first_words(_folded(_pattern))
    if _starts is None or not all(_starts):
        _ALWAYS.append(_index)
        continue
    for _start in set(_starts):
        _BY_START.setdefault(_start[:2], []).append((_start, _index))  # one-letter starts under one letter
_WORD = re.compile(r"\w+")
_CASED = re.compile(r"\bDAN\b")

LANGUAGES = tuple(dict.fromkeys(lang for lang, _ in _FOLDED_PATTERNS if lang != "any"))


def _folded_match(folded: str) -> bool:
    tried: set[int] = set()
    for index in _ALWAYS:
        tried.add(index)
        if _COMPILED[index].search(folded):
            return True
    for word in set(_WORD.findall(folded)):
        for start, index in (*_BY_START.get(word[:2], ()), *_BY_START.get(word[:1], ())):
            if index not in tried and word.startswith(start):
                tried.add(index)
                if _COMPILED[index].search(folded):
                    return True
    return False


def looks_like_injection(text: str) -> bool:
    """True when the text tries to instruct the assistant rather than ask about funding."""
    if _INSTRUCTION.search(text) or _CASED.search(text):
        return True
    return _folded_match(fold(text.replace("’", "'")))


def is_instruction_sentence(sentence: str) -> bool:
    """A document sentence addressed to the assistant: never quoted, and its document is flagged."""
    return looks_like_injection(sentence)
