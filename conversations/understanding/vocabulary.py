"""Each language's words: commands, questions, answers, greetings, thanks, and filler.

Phrases are written without accents, separated by "|". A phrase starting with "^" counts
only at the start of a message (what follows it is data: a phone number, a day); one
starting with "=" only as the whole message (after filler words). The menu words that the
texts print in CAPITALS come first, in `conversations.keywords.KEYWORDS`; these are the other
ways people say the same things.
"""

from conversations.understanding.intents import Intent

I = Intent  # noqa: E741 - the tables below read better with a short name

EXTRA: dict[str, dict[Intent, str]] = {
    "en": {
        I.NAME: "my name is|my names|change name|change my name|call me|new name",
        I.AMOUNT: "another amount|other amount|different amount|change amount|change the amount",
        I.BALANCE: "^bal|how much|how much money|my money|check balance|balance check",
        I.HISTORY: "payments|my payments|last payments|statement",
        I.INSURANCE: "my insurance|insured|cover|my cover|why did you take",
        I.DROP: "^stop insurance|^cancel insurance|^end insurance",
        I.MISSED: "was sick|i was sick|got sick|missed|missed a day|i missed|client cancelled"
        "|client canceled|did not work|didnt work|couldnt work|could not work|boss cancelled"
        "|boss canceled|employer cancelled|employer canceled|she cancelled|she canceled"
        "|they cancelled|they canceled|cancelled on me|canceled on me|i was ill|was ill",
        I.PAYMENT: "how do i get paid|how i get paid|how am i paid|how will i be paid|get paid"
        "|how will i get paid|how do you pay me|how you pay me|payment method|payout method"
        "|pay method|change payment|change how i get paid|change how i am paid|paid by",
        I.MORE: "older|next|more please|show more",
        I.DAY_OFF: "day of|off|days off|time off|free day",
        I.HALF_DAY: "half a day|half day off|half",
        I.DONE: "finished|finish|worked|i worked|visit done|all done|completed|cleaned|i cleaned"
        "|worked for|i worked for|worked at|cleaned for|babysat|i babysat|cooked for",
        I.UNDO: "undo my day off|call back|callback|cancel day off|cancel my day off",
        I.HELP: "help me|how does this work|info|information",
        I.LANGUAGE: "change language|other language|another language",
        I.YES: "yeah|yep|yup|sure|ok|okay|k|of course|sounds good|alright|all right|fine|accept"
        "|i accept|emojiyes|yea|absolutely|=y|yess|yesss|yes yes|yse|yez",
        I.NO: "nope|nah|not this time|not now|no thanks|cancel this|decline|emojino|not|dont"
        "|do not|=n|cancel change|cancel the change|cancel code|cancel it",
        I.GREETING: "hi|hello|hey|hiya|good morning|good afternoon|good evening|morning",
        I.THANKS: "thanks|thank you|thx|ty|thank u|thanks a lot|many thanks|thnx|emojithanks"
        "|good night|goodnight|night night|nite",
        I.WHO_IS_THIS: "what is this|whats this|who is this|who are you|what is it|what s this"
        "|who is it|what is this about",
    },
    "es": {
        I.NAME: "mi nombre es|me llamo|cambiar nombre|cambiar mi nombre|cambiar el nombre"
        "|nuevo nombre",
        I.AMOUNT: "otro monto|otra cantidad|otra suma|cambiar cantidad|cambiar el monto",
        I.BALANCE: "cuanto|cuanto tengo|cuanto dinero|mi dinero|cual es mi saldo",
        I.HISTORY: "historia|pagos|mis pagos|movimientos",
        I.INSURANCE: "mi seguro|aseguranza|aseguranzas",
        I.DROP: "^cancelar seguro|^dejar seguro",
        I.MISSED: "estuve enferma|estuve enfermo|me enferme|no trabaje|no pude trabajar"
        "|cancelo la clienta|cancelaron|no fui|no fui a trabajar|falte|estaba enferma"
        "|estaba enfermo|estoy enferma|estoy enfermo|por enfermedad|me cancelo|me cancelaron"
        "|patrona cancelo|jefa cancelo|senora cancelo|clienta cancelo|cliente cancelo"
        "|patron cancelo",
        I.PAYMENT: "como me pagan|como me van a pagar|como cobro|forma de pago|metodo de pago"
        "|modo de pago|cambiar mi pago|como recibo mi dinero|pagarme",
        I.MORE: "mas pagos|siguiente|ver mas",
        I.DAY_OFF: "libre|dia de descanso|descanso",
        I.HALF_DAY: "medio dia libre|medio dia|media jornada",
        I.DONE: "termine|ya termine|terminado|hecho|trabaje|limpie|ya limpie|trabaje donde"
        "|trabaje en casa de|trabaje para",
        I.UNDO: "deshacer|cancelar mi dia libre|cancelar dia libre",
        I.HELP: "ayudame|ayudeme|informacion",
        I.LANGUAGE: "cambiar idioma|otro idioma|lenguaje",
        I.ADD: "^anadir|^agrega|^anade",
        I.REMOVE: "^borrar|^eliminar|^sacar",
        I.YES: "claro|claro que si|dale|vale|de acuerdo|acepto|por supuesto|bueno|ok|sip"
        "|esta bien|emojiyes|sii|siii",
        I.NO: "ahora no|no puedo|no quiero|mejor no|cancelar|no gracias|nop|nel|emojino",
        I.GREETING: "hola|buenos dias|buen dia|buenas|buenas tardes|buenas noches|que tal",
        I.THANKS: "gracias|muchas gracias|mil gracias|grax|emojithanks",
        I.WHO_IS_THIS: "quien es|que es esto|que es|quien eres|quien habla|de que se trata",
    },
    "pt_BR": {
        I.NAME: "meu nome e|me chamo|mudar nome|mudar meu nome|mudar o nome|trocar nome"
        "|trocar meu nome",
        I.AMOUNT: "outro valor|outra quantia|mudar valor|mudar o valor",
        I.BALANCE: "quanto|quanto tenho|quanto eu tenho|qual meu saldo|meu dinheiro",
        I.HISTORY: "historico|pagamentos|meus pagamentos|extrato",
        I.INSURANCE: "meu seguro",
        I.DROP: "^cancelar seguro",
        I.MISSED: "nao trabalhei|fiquei doente|estava doente|estive doente|nao pude trabalhar"
        "|cliente cancelou|cancelou|patroa cancelou|nao fui|nao fui trabalhar|faltei|estou doente"
        "|tava doente",
        I.PAYMENT: "forma de pagamento|como recebo|como eu recebo|como vou receber|forma de receber"
        "|como me pagam|receber meu dinheiro",
        I.MORE: "ver mais|proximo|proxima",
        I.DAY_OFF: "dia livre|livre|descanso",
        I.HALF_DAY: "meia|meio periodo",
        I.DONE: "terminei|acabei|trabalhei|concluido|limpei|faxinei|fiz faxina|trabalhei na casa"
        "|trabalhei para",
        I.UNDO: "cancelar folga|desfaz",
        I.HELP: "me ajuda|ajude|socorro",
        I.LANGUAGE: "mudar idioma|outro idioma|trocar idioma",
        I.REMOVE: "^excluir|^apagar",
        I.YES: "claro|pode ser|pode|aceito|beleza|ok|ta bom|com certeza|isso|emojiyes|simm",
        I.NO: "agora nao|nao quero|nao obrigado|nao obrigada|cancelar|nao posso|emojino",
        I.GREETING: "oi|ola|bom dia|boa tarde|boa noite|oie|e ai",
        I.THANKS: "obrigada|obrigado|muito obrigada|muito obrigado|valeu|brigada|brigado|obg|obgd"
        "|obgda|brigadao|emojithanks",
        I.WHO_IS_THIS: "o que e isso|que e isso|quem e|quem|quem e voce|o que e",
    },
    "ht": {
        I.NAME: "mwen rele|m rele|non mwen se|chanje non mwen",
        I.AMOUNT: "lot montan|lot kantite|lot kob|chanje kantite",
        I.BALANCE: "konbyen|konbyen m genyen|konbyen kob|lajan mwen|kob mwen",
        I.HISTORY: "peman|peman mwen",
        I.INSURANCE: "asirans mwen|asirans yo",
        I.DROP: "^kanpe asirans|^anile asirans",
        I.MISSED: "te malad|mwen te malad|m te malad|pa t travay|m pa t travay|kliyan an anile"
        "|madanm nan anile|madanm lan anile|madan nan anile|patwon an anile|patwon nan anile"
        "|patron an anile|bos la anile|li anile|yo anile|m pa t ale|mwen pa t ale|m malad"
        "|mwen malad",
        I.PAYMENT: "kijan pou m resevwa lajan|resevwa lajan|resevwa kob|kijan yo peye m"
        "|kijan pou yo peye m",
        I.MORE: "plis ankò|plis anko|pi ansyen",
        I.DAY_OFF: "jou konje|repo",
        I.HALF_DAY: "demi|mwatye|demi jounen",
        I.DONE: "m fini|mwen fini|fin|travay fini|m te travay|mwen te travay|te travay|m te netwaye"
        "|mwen te netwaye|netwaye|fin travay|m fin travay|mwen fin travay",
        I.UNDO: "anile konje",
        I.HELP: "ede|ede m|ede mwen|ed souple",
        I.LANGUAGE: "chanje lang|lot lang",
        I.YES: "dako|oke|ok|wi wi|emojiyes",
        I.NO: "pa kounye a|mwen pa vle|pa vle|non mesi|emojino",
        I.GREETING: "bonjou|bonswa|alo|allo|sak pase|koman ou ye|bonjou bonjou",
        I.THANKS: "mesi|mesi anpil|mesi bokou|emojithanks",
        I.WHO_IS_THIS: "kiyes sa a|kiyes sa|kisa sa ye|kisa sa a|ki moun sa a|ki moun sa|kisa sa",
    },
    "tl": {
        I.NAME: "pangalan ko ay|ang pangalan ko ay|palitan pangalan|palitan ang pangalan"
        "|palitan pangalan ko",
        I.AMOUNT: "ibang halaga|ibang amount|palitan halaga|palitan ang halaga|iba halaga",
        I.BALANCE: "magkano|magkano na|ilan na pera|pera ko|balanse ko",
        I.HISTORY: "mga bayad|bayad ko|bayad",
        I.INSURANCE: "seguro ko|insurance ko",
        I.DROP: "^itigil ang seguro|^ihinto",
        I.MISSED: "nagkasakit|nagkasakit ako|hindi nakapasok|hindi ako nakapasok"
        "|hindi nakapagtrabaho|kinansela|kinancel|nagcancel|cinancel|may sakit|may sakit ako"
        "|hindi ako pumasok|hindi pumasok|absent",
        I.PAYMENT: "paano ako babayaran|babayaran|mababayaran|pagbabayad|paano ako mababayaran",
        I.MORE: "iba pa|dagdag pa",
        I.DAY_OFF: "day off|off|bakasyon|magpahinga|mag pahinga",
        I.HALF_DAY: "half day|kalahating araw na pahinga",
        I.DONE: "tapos na|natapos|tapos na po|done|naglinis|naglinis ako|nagtrabaho|nagtrabaho ako"
        "|nag linis",
        I.UNDO: "bawi|bawiin ang pahinga|ibalik|ibalik ang day off|ibalik mo",
        I.HELP: "tulungan|saklolo|help",
        I.LANGUAGE: "palit wika|ibang wika",
        I.YES: "sige|oo naman|ok|opo naman|sige po|game|g|emojiyes|ooo|oo po",
        I.NO: "ayoko|ayaw|huwag|huwag na|wag|wag na|hindi na|emojino",
        I.GREETING: "kumusta|kamusta|magandang umaga|magandang hapon|magandang gabi|hello|hi",
        I.THANKS: "salamat|maraming salamat|emojithanks",
        I.WHO_IS_THIS: "sino ito|ano ito|sino po ito|ano po ito|sino ka|sino kayo",
    },
}

# Words that carry no meaning of their own here: politeness, pronouns, articles, "I want".
FILLERS: dict[str, str] = {
    "en": "please|pls|plz|pleas|i|im|i m|me|my|a|an|the|to|can|could|would|like|want|need"
    "|take|get|have|do|is|it|its|on|for|this|that|just|now|today s|make|be|of|so|well|and|for"
    "|oh|hmm|ok so|let|lets|book|give|in|at|you|your|we|our|what|whats|s|there|d|ll|with"
    "|haha|hahaha|lol",
    "es": "por favor|porfa|porfavor|pf|xfa|x favor|mi|mis|me|el|la|los|las|un|una|quiero|kiero"
    "|necesito|quisiera|puedo|tomar|pedir|de|del|para|a|yo|es|esta|ver|con|y|pues|bueno"
    "|tengo|dar|ya|jaja|jajaja|jajajaja|jeje",
    "pt_BR": "por favor|pf|pfv|pfvr|meu|minha|meus|minhas|o|a|os|as|um|uma|quero|preciso"
    "|de|do|da|para|pra|eu|e|na|ver|pegar|tenho|ter|com|posso|kkk|kkkk|kkkkk|rsrs",
    "ht": "souple|silvouple|tanpri|mwen|m|a|la|yo|vle|bezwen|pou|nan|yon|bay|ou|ki|map|kay"
    "|tanpri souple|fe",
    "tl": "po|pong|pls|paki|ko|ng|ang|sa|na|ako|gusto|kailangan|yung|mga|ba|lang|naman|nga"
    "|akin|ko po|kay|mag|ng araw",
}

# Words that are yes inside a question and a friendly "ok" outside one.
ACK_WORDS = frozenset({"ok", "okay", "k", "oke", "emojiyes", "vale", "dale", "sige", "beleza"})

# "Yes to all": words that answer every open question at once, after YES ("si a todos").
EVERY_ONE = frozenset(
    {"all", "all of them", "all them", "both", "everything", "every one", "all visits", "them all"}
    | {"todos", "todas", "todo", "los dos", "las dos", "ambos", "ambas", "todos ellos"}
    | {"tudo", "os dois", "as duas", "todas elas", "todos eles"}
    | {"tout", "tou", "toulede", "tout yo", "yo tout", "tou le de", "tou lede"}
    | {"lahat", "lahat sila", "pareho", "lahat ng ito"}
)
