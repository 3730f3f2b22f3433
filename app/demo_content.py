"""Demo content for the ``seed-demo`` command.

Pure data (plus a tiny Markdown helper) describing a believable demo network
for Virtuaalikortteli: people from several Finnish cities and municipalities,
an expert organisation and an NGO taking part in a national sustainable-city
programme, their thematic workspaces, and the discussion threads in them.

Everything here is fictional demo material. Organisations marked "(demo)" are
not real, e-mail addresses use the reserved example.fi / example.org domains,
and all figures are presented as the participants' own project numbers, not
as official statistics.

Run this module directly to check the internal consistency of the data::

    .venv/bin/python app/demo_content.py
"""

from __future__ import annotations

import re
import textwrap
from typing import NotRequired, TypedDict


class DemoUser(TypedDict):
    handle: str  # lowercase, [a-z0-9._-], unique, e.g. "anna.virtanen"
    display_name: str
    email: str  # @example.fi / @example.org addresses only
    organisation: str
    title: str
    language: str  # "fi" or "en"


class DemoPost(TypedDict):
    author: str  # handle
    body: str  # Markdown
    # Index of an earlier post in the same thread (0 = first post) that this
    # post quotes or replies to.
    reply_to: NotRequired[int]


class DemoThread(TypedDict):
    title: str
    author: str  # handle (author of the first post)
    pinned: NotRequired[bool]
    posts: list[DemoPost]  # first post is the opening post; 2-8 posts each


class DemoWorkspace(TypedDict):
    slug: str
    name: str
    description: str  # 1-2 sentences
    themes: list[str]  # short tags
    visibility: str  # "public" | "network" | "private"
    join_policy: str  # "open" | "request" | "invite"
    owner: str  # handle
    members: list[tuple[str, str]]  # (handle, role): owner|moderator|facilitator|member
    threads: list[DemoThread]


_BLOCK_START = re.compile(r"^(?:[-*+] |\d+\. |\||>|#|```)")


def _md(text: str) -> str:
    """Turn a hard-wrapped, indented triple-quoted string into a post body.

    The bodies below are wrapped to keep the source readable; real users do
    not hard-wrap, so soft-wrapped lines are joined back into one line per
    paragraph, list item and quote (tables are left as they are).
    """
    out: list[str] = []
    for line in textwrap.dedent(text).strip().splitlines():
        stripped = line.strip()
        prev = out[-1] if out else ""
        if not stripped or not prev or prev.startswith("|"):
            out.append(stripped)
        elif prev.startswith(">") and stripped.startswith(">"):
            out[-1] = f"{prev} {stripped.lstrip('>').strip()}"
        elif _BLOCK_START.match(stripped):
            out.append(stripped)
        else:
            out[-1] = f"{prev} {stripped}"
    return "\n".join(out)


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------

USERS: list[DemoUser] = [
    {
        "handle": "anna.virtanen",
        "display_name": "Anna Virtanen",
        "email": "anna.virtanen@example.fi",
        "organisation": "Tampereen kaupunki",
        "title": "Ilmastoasiantuntija",
        "language": "fi",
    },
    {
        "handle": "pekka.nieminen",
        "display_name": "Pekka Nieminen",
        "email": "pekka.nieminen@example.fi",
        "organisation": "Jyväskylän kaupunki",
        "title": "Liikennesuunnittelija",
        "language": "fi",
    },
    {
        "handle": "jussi.kemppainen",
        "display_name": "Jussi Kemppainen",
        "email": "jussi.kemppainen@example.fi",
        "organisation": "Oulun kaupunki",
        "title": "Liikenneinsinööri",
        "language": "fi",
    },
    {
        "handle": "johanna.makinen",
        "display_name": "Johanna Mäkinen",
        "email": "johanna.makinen@example.fi",
        "organisation": "Oulun kaupunki",
        "title": "Terveyden edistämisen koordinaattori",
        "language": "fi",
    },
    {
        "handle": "mikko.korhonen",
        "display_name": "Mikko Korhonen",
        "email": "mikko.korhonen@example.fi",
        "organisation": "Lahden kaupunki",
        "title": "Kiertotalouskoordinaattori",
        "language": "fi",
    },
    {
        "handle": "laura.heikkinen",
        "display_name": "Laura Heikkinen",
        "email": "laura.heikkinen@example.fi",
        "organisation": "Turun kaupunki",
        "title": "Kestävän kehityksen päällikkö",
        "language": "fi",
    },
    {
        "handle": "sami.laine",
        "display_name": "Sami Laine",
        "email": "sami.laine@example.fi",
        "organisation": "Vantaan kaupunki",
        "title": "Hankinta-asiantuntija",
        "language": "fi",
    },
    {
        "handle": "riikka.hamalainen",
        "display_name": "Riikka Hämäläinen",
        "email": "riikka.hamalainen@example.fi",
        "organisation": "Kuopion kaupunki",
        "title": "Ruokapalvelupäällikkö",
        "language": "fi",
    },
    {
        "handle": "tuomas.lehtonen",
        "display_name": "Tuomas Lehtonen",
        "email": "tuomas.lehtonen@example.fi",
        "organisation": "Iin kunta",
        "title": "Energia-asiantuntija",
        "language": "fi",
    },
    {
        "handle": "elina.koskinen",
        "display_name": "Elina Koskinen",
        "email": "elina.koskinen@example.fi",
        "organisation": "Hämeenlinnan kaupunki",
        "title": "Osallisuuskoordinaattori",
        "language": "fi",
    },
    {
        "handle": "ville.rantanen",
        "display_name": "Ville Rantanen",
        "email": "ville.rantanen@example.fi",
        "organisation": "Lappeenrannan kaupunki",
        "title": "Ympäristöpäällikkö",
        "language": "fi",
    },
    {
        "handle": "emma.schneider",
        "display_name": "Emma Schneider",
        "email": "emma.schneider@example.org",
        "organisation": "Lappeenrannan kaupunki",
        "title": "EU Project Manager",
        "language": "en",
    },
    {
        "handle": "sofia.lindqvist",
        "display_name": "Sofia Lindqvist",
        "email": "sofia.lindqvist@example.fi",
        "organisation": "Suomen ympäristökeskus (demo)",
        "title": "Erikoistutkija",
        "language": "fi",
    },
    {
        "handle": "david.okafor",
        "display_name": "David Okafor",
        "email": "david.okafor@example.org",
        "organisation": "Suomen ympäristökeskus (demo)",
        "title": "Research Scientist",
        "language": "en",
    },
    {
        "handle": "marja.salo",
        "display_name": "Marja Salo",
        "email": "marja.salo@example.org",
        "organisation": "Kestävä Arki ry (demo)",
        "title": "Toiminnanjohtaja",
        "language": "fi",
    },
    {
        "handle": "katja.ojala",
        "display_name": "Katja Ojala",
        "email": "katja.ojala@example.fi",
        "organisation": "Kestävä kaupunki -ohjelma (demo)",
        "title": "Ohjelmakoordinaattori",
        "language": "fi",
    },
]


# ---------------------------------------------------------------------------
# Workspace: Vähähiilisyys
# ---------------------------------------------------------------------------

_VAHAHIILISYYS: DemoWorkspace = {
    "slug": "vahahiilisyys",
    "name": "Vähähiilisyys",
    "description": (
        "Kuntien ja kaupunkien ilmastotyön yhteinen työtila: energia, liikenne, "
        "rakennukset ja päästöjen seuranta. Jaa kokemuksia, laskelmia ja pohjia."
    ),
    "themes": ["ilmasto", "energia", "liikenne", "rakennukset"],
    "visibility": "public",
    "join_policy": "open",
    "owner": "anna.virtanen",
    "members": [
        ("anna.virtanen", "owner"),
        ("sofia.lindqvist", "moderator"),
        ("katja.ojala", "facilitator"),
        ("tuomas.lehtonen", "member"),
        ("pekka.nieminen", "member"),
        ("jussi.kemppainen", "member"),
        ("laura.heikkinen", "member"),
        ("ville.rantanen", "member"),
        ("david.okafor", "member"),
        ("emma.schneider", "member"),
        ("sami.laine", "member"),
    ],
    "threads": [
        {
            "title": "Tervetuloa Vähähiilisyys-työtilaan – lue tämä ensin",
            "author": "anna.virtanen",
            "pinned": True,
            "posts": [
                {
                    "author": "anna.virtanen",
                    "body": _md(
                        """
                        Tervetuloa! Tämä työtila on avoin kaikille ohjelman
                        kunnille ja kumppaneille, ja keskustelut näkyvät myös
                        verkoston ulkopuolelle. Muutama pelisääntö:

                        - **Jaa keskeneräistä.** Luonnos tiekartasta tai puolivalmis
                          laskelma on arvokkaampi kuin täydellinen raportti, joka
                          ei koskaan valmistu.
                        - **Kerro lukujen lähde.** Kun jaat lukuja, kerro onko kyse
                          oman hankkeen arviosta, mittauksesta vai muualta otetusta
                          luvusta.
                        - **Ei henkilötietoja.** Älä liitä asukkaiden tai
                          työntekijöiden tietoja viesteihin.
                        - **Kysy rohkeasti.** Tyhmiä kysymyksiä ei ole – joku toinen
                          kunta on todennäköisesti miettinyt samaa.

                        Moderaattorina toimii @sofia.lindqvist, ja ohjelman puolelta
                        mukana on @katja.ojala. Keskustelu käydään pääosin suomeksi,
                        mutta englanti on yhtä lailla tervetullutta.
                        """
                    ),
                },
                {
                    "author": "katja.ojala",
                    "body": _md(
                        """
                        Kiitos Anna! Lisään vielä, että ohjelman työpajojen
                        materiaalit tallennetaan jatkossa tänne ketjuihin eikä
                        sähköpostiliitteiksi. Niin ne löytyvät myöhemminkin.
                        """
                    ),
                },
                {
                    "author": "david.okafor",
                    "body": _md(
                        """
                        Hi everyone – David here, I work on urban emissions
                        modelling. My Finnish is still at the "kiitos ja
                        anteeksi" level, so I'll mostly write in English. Happy to
                        help with anything related to emission inventories or
                        scenario tools.
                        """
                    ),
                },
                {
                    "author": "anna.virtanen",
                    "reply_to": 2,
                    "body": _md(
                        """
                        Welcome David! English is perfectly fine here. We'll
                        probably pull you into the commuting data discussion
                        sooner rather than later. 🙂
                        """
                    ),
                },
            ],
        },
        {
            "title": "Kaukolämmöstä lämpöpumppuihin: kokemuksia kiinteistöjen lämmitysmuutoksesta",
            "author": "tuomas.lehtonen",
            "posts": [
                {
                    "author": "tuomas.lehtonen",
                    "body": _md(
                        """
                        Iissä on vaihdettu viime vuosina useamman kunnan
                        kiinteistön lämmitys öljystä ja osin kaukolämmöstä
                        maalämpöön ja poistoilmalämpöpumppuihin. Kokoan tähän
                        meidän hankkeen lukuja, koska samaa kysytään meiltä
                        jatkuvasti.

                        | Kohde | Ennen | Jälkeen | Arvioitu säästö (oma laskelma) |
                        |---|---|---|---|
                        | Koulukeskus | kaukolämpö | maalämpö + aurinkosähkö | n. 30 % energiakuluista |
                        | Paloasema | öljy | maalämpö | öljy pois kokonaan |
                        | Kunnantalo | kaukolämpö | poistoilmalämpöpumppu, kaukolämpö huippukulutukseen | n. 15 % |

                        Muutama havainto:

                        1. **Mitoitus ratkaisee.** Kovimpien pakkasten huipputehoa
                           ei kannata mitoittaa kokonaan pumpuille – tukilämmön
                           kanssa investointi jää selvästi pienemmäksi.
                        2. **Puhukaa energiayhtiön kanssa ajoissa.** Liittymätehon
                           pienentämisessä on sopimusehtoja, jotka yllättivät meidät.
                        3. **Kiinteistönhoito mukaan alusta asti.** Järjestelmän
                           säätö ensimmäisenä talvena vei enemmän aikaa kuin
                           osasimme arvioida.

                        Kysymys muille: miten olette käsitelleet tilannetta, jossa
                        kaupungin oma energiayhtiö myy kaukolämpöä ja kaupunki
                        kiinteistönomistajana haluaisi siirtyä lämpöpumppuihin?
                        """
                    ),
                },
                {
                    "author": "anna.virtanen",
                    "body": _md(
                        """
                        Kiitos @tuomas.lehtonen, tosi hyödyllinen taulukko!

                        Tampereella juuri tuo omistajaohjauksen asetelma on se
                        vaikein kohta. Jos iso joukko kaupungin kiinteistöjä
                        irtautuu verkosta, kiinteät kustannukset jakautuvat
                        harvemmille maksajille. Meillä on lähdetty liikkeelle
                        hybridiratkaisuista: lämpöpumppu kattaa peruskuorman ja
                        kaukolämpö huiput. Lisäksi on perustettu yhteinen
                        työryhmä tilapalveluiden ja energiayhtiön kesken, jotta
                        kohteet valitaan koko järjestelmän kannalta eikä
                        rakennus kerrallaan.
                        """
                    ),
                },
                {
                    "author": "sofia.lindqvist",
                    "body": _md(
                        """
                        Päästövertailussa kannattaa olla tarkkana laskentatavan
                        kanssa. Kaukolämmön päästökerroin vaihtelee paljon
                        paikkakunnittain, ja sähkön osalta tulos riippuu siitä,
                        käytetäänkö keskimääräistä vai marginaalisähkön
                        kerrointa. Samasta investoinnista voi saada hyvin
                        erilaisen kuvan.

                        Suosittelen raportoimaan molemmilla tavoilla ja
                        kertomaan valinnan perustelut. Kokosimme aiheesta
                        lyhyen ohjeen: https://example.org/opas/paastokertoimet
                        """
                    ),
                },
                {
                    "author": "tuomas.lehtonen",
                    "reply_to": 2,
                    "body": _md(
                        """
                        > Suosittelen raportoimaan molemmilla tavoilla ja
                        > kertomaan valinnan perustelut.

                        Hyvä pointti. Meillä käytettiin vain keskimääräistä
                        kerrointa, ja valtuustossa kysyttiinkin heti, miksi luvut
                        poikkeavat naapurikunnan laskelmista. Lisään
                        marginaalitarkastelun seuraavaan raporttiin.
                        """
                    ),
                },
                {
                    "author": "ville.rantanen",
                    "body": _md(
                        """
                        Lappeenrannassa keskustelu on kääntynyt siihen, että
                        kaukolämpöverkko itse muuttuu: verkkoon tulee suuria
                        lämpöpumppuja ja teollisuuden hukkalämpöä. Silloin kysymys
                        ei ole enää "joko kaukolämpö tai lämpöpumppu", vaan missä
                        kohtaa järjestelmää lämpöpumppu kannattaa sijoittaa.

                        Kunnan kiinteistöjen kannalta tämä tarkoittaa, että
                        jokaisen kohteen kohdalla pitää katsoa, mitä verkolle
                        tapahtuu seuraavan kymmenen vuoden aikana.
                        """
                    ),
                },
                {
                    "author": "laura.heikkinen",
                    "reply_to": 4,
                    "body": _md(
                        """
                        Samaa mietitään Turussa. Onko kenelläkään kokemusta siitä,
                        miten tätä on viestitty taloyhtiöille? Meille tulee paljon
                        kysymyksiä asukkailta, kannattaako kaukolämmöstä luopua,
                        emmekä halua kaupunkina antaa ristiriitaisia viestejä.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Kaupunkipyörät talvella – pidetäänkö järjestelmä auki ympäri vuoden?",
            "author": "pekka.nieminen",
            "posts": [
                {
                    "author": "pekka.nieminen",
                    "body": _md(
                        """
                        Jyväskylässä päätetään ensi kaudesta, jatketaanko
                        kaupunkipyöriä myös talvikuukausina. Pilotin aikana
                        havaittiin omien laskujemme mukaan, että matkoja oli
                        talvella noin viidesosa kesän määrästä, mutta
                        käyttäjät olivat pitkälti samoja työmatkapyöräilijöitä.

                        Avoimet kysymykset:

                        - Kannattaako talvella pitää vain osa asemista auki?
                        - Nastarenkaat kaikkiin pyöriin vai vain osaan?
                        - Miten huolto järjestetään lumisateiden aikana?

                        @jussi.kemppainen, teillä Oulussa on varmasti eniten
                        kokemusta talvipyöräilystä – miten olette hoitaneet tämän?
                        """
                    ),
                },
                {
                    "author": "jussi.kemppainen",
                    "body": _md(
                        """
                        Meillä tärkein oppi on ollut, että **pyöräreittien
                        talvikunnossapito on tärkeämpää kuin itse pyörät**. Jos
                        pääreitit aurataan ja hiekoitetaan ennen aamuruuhkaa,
                        ihmiset pyöräilevät. Jos eivät, mikään kalusto ei auta.

                        Kaupunkipyörien osalta suosittelisin:

                        1. Nastarenkaat kaikkiin pyöriin – sekakalusto aiheuttaa
                           vain palautteita.
                        2. Asemat keskitetysti pääreittien varrelle.
                        3. Sopimukseen selkeä kohta siitä, milloin asemia saa
                           sulkea poikkeussään takia.
                        """
                    ),
                },
                {
                    "author": "emma.schneider",
                    "body": _md(
                        """
                        Interesting discussion! In our EU project we compared
                        several Nordic and Central European cities. One thing
                        that came up repeatedly: winter operation is expensive
                        per trip, but closing the system for five months breaks
                        the habit, and spring ridership recovers slowly.

                        Our partner summary is here:
                        https://example.org/eu-project/winter-bike-sharing
                        """
                    ),
                },
                {
                    "author": "pekka.nieminen",
                    "reply_to": 2,
                    "body": _md(
                        """
                        Thanks Emma, that habit argument is exactly what we need
                        for the decision memo. Do you know if any of the cities
                        measured the spring recovery, or is it more anecdotal?
                        """
                    ),
                },
                {
                    "author": "emma.schneider",
                    "reply_to": 3,
                    "body": _md(
                        """
                        Two of them had before/after data from their own
                        operators. I'll ask if they're willing to share it in
                        this workspace.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Commuting emissions: where do you get the data?",
            "author": "david.okafor",
            "posts": [
                {
                    "author": "david.okafor",
                    "body": _md(
                        """
                        I'm helping a few municipalities estimate emissions from
                        commuting, and every city seems to use a different data
                        source. What I've seen so far:

                        | Source | Pros | Cons |
                        |---|---|---|
                        | Commuting statistics (home–work locations) | full coverage | no mode of transport |
                        | Travel surveys | mode and distance | small samples, done rarely |
                        | Mobile phone data | large volume | costly, hard to interpret |
                        | Employer surveys | easy to organise | only large employers |

                        Which combination do you use in your climate
                        reporting? And do you report commuting separately or
                        only as part of road transport?
                        """
                    ),
                },
                {
                    "author": "sofia.lindqvist",
                    "body": _md(
                        """
                        Hyvä kooste! Short answer in English too: most cities
                        report commuting only as part of road transport. For a
                        separate estimate, combining commuting statistics with
                        the most recent travel survey is the most common
                        approach I've seen.

                        Suomeksi vielä: kulkutapajakauma kannattaa ottaa
                        liikkumistutkimuksesta ja etäisyydet
                        työssäkäyntitilastosta – silloin tulos on edes
                        suuruusluokaltaan vertailukelpoinen kuntien välillä.
                        """
                    ),
                },
                {
                    "author": "pekka.nieminen",
                    "body": _md(
                        """
                        Jyväskylässä teimme oman kyselyn kaupungin
                        työntekijöille. Vastauksia tuli noin 1 200, ja tulokset
                        yllättivät: etätyöpäivien vaikutus oli omassa
                        arviossamme suurempi kuin pyöräilyn kasvun.

                        Voin jakaa kyselylomakkeen, jos joku haluaa toistaa sen.
                        """
                    ),
                },
                {
                    "author": "david.okafor",
                    "reply_to": 2,
                    "body": _md(
                        """
                        @pekka.nieminen yes please, the questionnaire would be
                        very useful! Remote work is the factor most inventories
                        completely miss.
                        """
                    ),
                },
                {
                    "author": "anna.virtanen",
                    "body": _md(
                        """
                        Tampereella pohditaan samaa. Ehdotan, että kootaan
                        yhteinen kyselypohja tähän työtilaan, niin saadaan
                        vertailukelpoista dataa useammasta kaupungista. Pekka,
                        sopisiko että lähdetään teidän lomakkeestanne?
                        """
                    ),
                },
            ],
        },
        {
            "title": "Ilmastotiekartan pohja jakoon",
            "author": "laura.heikkinen",
            "posts": [
                {
                    "author": "laura.heikkinen",
                    "body": _md(
                        """
                        Turussa päivitettiin ilmastotiekartan rakenne, ja moni on
                        pyytänyt pohjaa käyttöön. Tässä se on:
                        https://example.org/pohjat/ilmastotiekartta-pohja

                        Pohjan rakenne:

                        1. Lähtötilanne ja päästöjen jakauma
                        2. Tavoitteet ja välitavoitteet
                        3. Toimenpiteet sektoreittain (vastuutaho, aikataulu,
                           kustannusarvio)
                        4. Seurantamittarit
                        5. Vaikutukset muihin kestävyystavoitteisiin

                        Kohta 5 on uusi – halusimme, että jokaisesta isosta
                        toimenpiteestä arvioidaan myös sosiaaliset ja
                        terveysvaikutukset. Vapaasti käytettävissä ja
                        muokattavissa!
                        """
                    ),
                },
                {
                    "author": "tuomas.lehtonen",
                    "body": _md(
                        """
                        Kiitos! Pienen kunnan näkökulmasta: pohja on hyvä, mutta
                        meillä ei ole resursseja täyttää kaikkia kohtia joka
                        toimenpiteelle. Voisiko pohjassa olla "kevyt versio",
                        jossa seurataan vain 5–10 tärkeintä toimenpidettä?
                        """
                    ),
                },
                {
                    "author": "laura.heikkinen",
                    "reply_to": 1,
                    "body": _md(
                        """
                        > Voisiko pohjassa olla "kevyt versio"

                        Hyvä idea. Lisään pohjaan välilehden, jossa on
                        minimisarake jokaiselle toimenpiteelle. Täytetyn
                        esimerkin teen kuvitteellisesta 10 000 asukkaan kunnasta.
                        """
                    ),
                },
                {
                    "author": "katja.ojala",
                    "body": _md(
                        """
                        Tämä on juuri sellaista jakamista, jota ohjelmassa
                        toivotaan. Otetaan pohja esille seuraavassa
                        verkostotapaamisessa, ja kerätään siellä kokemuksia sen
                        käytöstä.
                        """
                    ),
                },
            ],
        },
    ],
}


# ---------------------------------------------------------------------------
# Workspace: Kiertotalous
# ---------------------------------------------------------------------------

_KIERTOTALOUS: DemoWorkspace = {
    "slug": "kiertotalous",
    "name": "Kiertotalous",
    "description": (
        "Materiaalien, ruoan ja rakentamisen kiertotalous kunnissa. Hankinnat, "
        "ruokahävikki, purkumateriaalit ja kiertotalouden mittarit."
    ),
    "themes": ["kiertotalous", "hankinnat", "ruokahävikki", "rakentaminen"],
    "visibility": "network",
    "join_policy": "open",
    "owner": "mikko.korhonen",
    "members": [
        ("mikko.korhonen", "owner"),
        ("sami.laine", "moderator"),
        ("katja.ojala", "facilitator"),
        ("riikka.hamalainen", "member"),
        ("laura.heikkinen", "member"),
        ("ville.rantanen", "member"),
        ("marja.salo", "member"),
        ("sofia.lindqvist", "member"),
        ("elina.koskinen", "member"),
        ("emma.schneider", "member"),
    ],
    "threads": [
        {
            "title": "Tervetuloa Kiertotalous-työtilaan",
            "author": "mikko.korhonen",
            "pinned": True,
            "posts": [
                {
                    "author": "mikko.korhonen",
                    "body": _md(
                        """
                        Tervetuloa kiertotalouden työtilaan! Tämä tila näkyy vain
                        ohjelman verkostolle, joten täällä voi jakaa myös
                        keskeneräisiä hankinta-asiakirjoja ja kokemuksia, jotka
                        eivät vielä ole julkisia.

                        Toiveita keskustelulle:

                        - Aloita uusi ketju jokaiselle aiheelle, niin keskustelu
                          pysyy löydettävänä.
                        - Merkitse otsikkoon kunta, jos kyse on yksittäisen
                          kunnan tapauksesta.
                        - Jos jaat hankinta-asiakirjoja, poista niistä
                          tarjoajien tiedot.
                        """
                    ),
                },
                {
                    "author": "sami.laine",
                    "body": _md(
                        """
                        Moikka kaikki! Toimin työtilan toisena moderaattorina.
                        Erityisesti hankintoihin liittyvät kysymykset voi
                        osoittaa suoraan minulle.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Koulujen ruokahävikki – mittaus ja keinot (Kuopio)",
            "author": "riikka.hamalainen",
            "posts": [
                {
                    "author": "riikka.hamalainen",
                    "body": _md(
                        """
                        Kuopiossa mitattiin syyslukukaudella lautashävikkiä
                        kuudessa koulussa. Luvut ovat omia mittauksiamme,
                        grammoina per annos:

                        | Viikko | Lautashävikki (g/annos) | Toimenpide |
                        |---|---|---|
                        | 1–2 | 28 | lähtötaso |
                        | 3–4 | 24 | hävikkivaaka näkyville ruokasaliin |
                        | 5–6 | 19 | oppilaiden ruokaraati ja "maistiaispöytä" |
                        | 7–8 | 20 | ei uusia toimenpiteitä |

                        Eniten vaikutti se, että oppilaat pääsivät itse
                        ehdottamaan ruokalistamuutoksia. Pelkkä vaaka toimi
                        lähinnä ensimmäisen viikon.

                        Miten muualla on saatu vaikutus pysymään, kun
                        kampanjan uutuudenviehätys on ohi?
                        """
                    ),
                },
                {
                    "author": "mikko.korhonen",
                    "body": _md(
                        """
                        Hienoa, että mittaukset tehtiin näin systemaattisesti!
                        Lahdessa huomattiin, että välitunnin ajoitus vaikuttaa
                        yllättävän paljon: kun välitunti oli ennen ruokailua,
                        syötiin paremmin ja hävikki pieneni. Tämä ei maksanut
                        mitään, vaati vain lukujärjestysten säätämistä.
                        """
                    ),
                },
                {
                    "author": "marja.salo",
                    "body": _md(
                        """
                        Lautashävikin lisäksi kannattaa miettiä tarjoiluhävikkiä.
                        Useammassa kunnassa ylijäämäruokaa myydään
                        edullisesti asukkaille koulun ruokailun jälkeen, ja
                        meidän yhdistyksemme on ollut mukana järjestämässä
                        jakelua ruoka-avun kautta.

                        Käytännön ohjeet elintarviketurvallisuudesta löytyvät
                        täältä: https://example.org/ohjeet/ylijaamaruoka
                        """
                    ),
                },
                {
                    "author": "riikka.hamalainen",
                    "reply_to": 2,
                    "body": _md(
                        """
                        > Useammassa kunnassa ylijäämäruokaa myydään
                        > edullisesti asukkaille

                        Meillä tätä on kokeiltu kahdessa koulussa. Ongelma on
                        ollut se, että kysyntä vaihtelee paljon, eikä henkilöstöllä
                        ole aikaa hoitaa myyntiä. Olisi kiinnostavaa kuulla,
                        miten teillä vapaaehtoiset on saatu mukaan.
                        """
                    ),
                },
                {
                    "author": "elina.koskinen",
                    "body": _md(
                        """
                        Osallisuuden näkökulmasta Kuopion ruokaraati kuulostaa
                        erinomaiselta. Hämeenlinnassa oppilaskunnat ovat
                        pyytäneet juuri tällaista vaikutusmahdollisuutta.
                        Riikka, voisitko jakaa, miten raati käytännössä
                        kokoontuu?
                        """
                    ),
                },
                {
                    "author": "riikka.hamalainen",
                    "reply_to": 4,
                    "body": _md(
                        """
                        Raati kokoontuu kerran kuussa välitunnilla, mukana on
                        kaksi oppilasta jokaiselta luokka-asteelta ja yksi
                        keittiön työntekijä. Pidämme kokoukset 20 minuutissa,
                        muuten innostus hiipuu. Kirjoitan tarkemman kuvauksen
                        tähän ketjuun ensi viikolla.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Vähähiilisen rakentamisen hankintakriteerit – mitä olette käyttäneet?",
            "author": "sami.laine",
            "posts": [
                {
                    "author": "sami.laine",
                    "body": _md(
                        """
                        Vantaalla valmistellaan koulun ja päiväkodin
                        uudisrakennushankintaa, ja haluamme mukaan
                        vähähiilisyyskriteerit. Nykyinen luonnos:

                        1. Hiilijalanjälkilaskelma vaaditaan suunnitteluvaiheessa
                           ja päivitetään toteutusvaiheessa.
                        2. Laatupisteitä vähähiilisestä betonista ja
                           puurakenteista.
                        3. Työmaan päästöttömät työkoneet ja lämmitys
                           laatupisteinä, ei vähimmäisvaatimuksena.
                        4. Raja-arvo hiilijalanjäljelle – tästä emme ole vielä
                           varmoja.

                        > Isoin kysymys: uskallammeko asettaa ehdottoman raja-arvon,
                        > vai karsiiko se tarjoajat liikaa?

                        Kokemuksia otetaan kiitollisena vastaan.
                        """
                    ),
                },
                {
                    "author": "ville.rantanen",
                    "body": _md(
                        """
                        Lappeenrannassa käytimme raja-arvon sijaan
                        vertailupisteytystä: tarjoukset pisteytettiin sen
                        mukaan, kuinka paljon ne alittivat hankkeelle lasketun
                        vertailutason. Tarjoajia tuli lähes yhtä paljon kuin
                        aiemmissa hankinnoissa, joten pelko karsiutumisesta oli
                        ainakin meidän tapauksessamme turha.
                        """
                    ),
                },
                {
                    "author": "sofia.lindqvist",
                    "body": _md(
                        """
                        Pari huomiota laskennasta:

                        - Vaatikaa, että laskelma tehdään kansallisen
                          arviointimenetelmän mukaisesti, niin tarjoukset ovat
                          vertailukelpoisia.
                        - Määritelkää etukäteen, miten toteutusvaiheen
                          poikkeamat käsitellään. Muuten hyvä tarjousvaiheen luku
                          voi muuttua matkan varrella.
                        - Pitäkää mielessä, että pelkkä rakennusvaiheen luku ei
                          kerro koko elinkaaresta.
                        """
                    ),
                },
                {
                    "author": "sami.laine",
                    "reply_to": 1,
                    "body": _md(
                        """
                        @ville.rantanen kiitos, tämä rauhoittaa! Saisiko teidän
                        pisteytystaulukkonne nähtäväksi? Voin luvata, ettei sitä
                        jaeta eteenpäin ilman lupaa.
                        """
                    ),
                },
                {
                    "author": "ville.rantanen",
                    "reply_to": 3,
                    "body": _md(
                        """
                        Totta kai. Lisäsin sen työtilan tiedostoihin nimellä
                        "LPR pisteytys – puhdistettu". Tarjoajien tiedot on
                        poistettu.
                        """
                    ),
                },
                {
                    "author": "emma.schneider",
                    "body": _md(
                        """
                        Adding an EU perspective: several cities in our project
                        network use the Level(s) framework as a common language
                        for these criteria. It doesn't replace national methods,
                        but it makes it easier to compare procurement documents
                        across countries. Happy to share examples if useful.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Purkumateriaalien uudelleenkäyttö: materiaalitori vai oma varasto?",
            "author": "ville.rantanen",
            "posts": [
                {
                    "author": "ville.rantanen",
                    "body": _md(
                        """
                        Meillä puretaan lähivuosina kaksi koulua ja vanha
                        virastotalo. Niistä saataisiin paljon käyttökelpoisia
                        ovia, kalusteita, valaisimia ja tiiliä. Vaihtoehdot:

                        - **Oma välivarasto** kaupungin rakennushankkeita varten
                        - **Sähköinen materiaalitori**, jossa materiaalit
                          myydään tai annetaan eteenpäin
                        - **Purkuurakoitsijan vastuulle** sopimuksella

                        Onko jollakin kokemusta, mikä näistä toimii
                        keskikokoisessa kaupungissa?
                        """
                    ),
                },
                {
                    "author": "mikko.korhonen",
                    "body": _md(
                        """
                        Lahdessa kokeiltiin omaa välivarastoa. Opetus oli, että
                        varastointi ei ole ongelma, vaan se, että
                        **suunnittelijat eivät tiedä** mitä varastossa on.
                        Ilman ajantasaista luetteloa ja selkeää vastuuhenkilöä
                        materiaalit jäävät käyttämättä.
                        """
                    ),
                },
                {
                    "author": "sami.laine",
                    "body": _md(
                        """
                        Hankintojen puolelta: jos purkuurakoitsijalle annetaan
                        vastuu, tavoite uudelleenkäyttöasteesta kannattaa kirjata
                        sopimukseen ja sitoa se maksuerään. Muuten materiaali
                        päätyy helposti murskaukseen, koska se on nopeinta.
                        """
                    ),
                },
                {
                    "author": "marja.salo",
                    "body": _md(
                        """
                        Kalusteille löytyy usein käyttäjä myös yhdistyksistä ja
                        kerhotiloista. Me voimme välittää tiedon jäsenjärjestöille,
                        jos saatte listan valmiiksi hyvissä ajoin ennen purkua.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Kiertotalouden mittarit kuntatasolla",
            "author": "laura.heikkinen",
            "posts": [
                {
                    "author": "laura.heikkinen",
                    "body": _md(
                        """
                        Turussa on tavoitteena seurata kiertotalouden etenemistä,
                        mutta hyviä kuntatason mittareita on vaikea löytää.
                        Nykyinen lista on tällainen:

                        - yhdyskuntajätteen kierrätysaste
                        - rakennushankkeiden uudelleenkäytettyjen materiaalien osuus
                        - kaupungin omien hankintojen kiertotalouskriteerien osuus
                        - jakamistalouden palvelujen käyttö (esim. lainaamot)

                        Mitä muita mittareita teillä on käytössä? Ja mistä
                        saatte datan?
                        """
                    ),
                },
                {
                    "author": "sofia.lindqvist",
                    "body": _md(
                        """
                        Kierrätysaste on tärkeä, mutta se kertoo enemmän
                        jätehuollosta kuin kiertotaloudesta. Suosittelisin
                        lisäämään ainakin yhden kulutusta kuvaavan mittarin,
                        esimerkiksi syntyvän jätteen määrän asukasta kohden.
                        """
                    ),
                },
                {
                    "author": "mikko.korhonen",
                    "body": _md(
                        """
                        Lahdessa olemme seuranneet myös hankintojen osalta
                        kalusteiden ja IT-laitteiden käyttöikää. Se on
                        yksinkertainen mittari, mutta se on saanut talouspuolen
                        kiinnostumaan, koska pidempi käyttöikä näkyy suoraan
                        kustannuksissa.
                        """
                    ),
                },
            ],
        },
    ],
}


# ---------------------------------------------------------------------------
# Workspace: Sosiaalinen kestävyys ja hyvinvointi
# ---------------------------------------------------------------------------

_SOSIAALINEN: DemoWorkspace = {
    "slug": "sosiaalinen-kestavyys",
    "name": "Sosiaalinen kestävyys ja hyvinvointi",
    "description": (
        "Osallisuus, yhdenvertaisuus ja hyvinvointi kestävän kaupungin "
        "perustana. Työtilaan liitytään pyynnöstä, koska keskusteluissa "
        "käsitellään myös keskeneräisiä palvelukokeiluja."
    ),
    "themes": ["osallisuus", "hyvinvointi", "yhdenvertaisuus", "ikäihmiset"],
    "visibility": "network",
    "join_policy": "request",
    "owner": "elina.koskinen",
    "members": [
        ("elina.koskinen", "owner"),
        ("johanna.makinen", "moderator"),
        ("katja.ojala", "facilitator"),
        ("marja.salo", "member"),
        ("riikka.hamalainen", "member"),
        ("laura.heikkinen", "member"),
        ("emma.schneider", "member"),
        ("sofia.lindqvist", "member"),
    ],
    "threads": [
        {
            "title": "Ikäihmisten yksinäisyys – mikä on oikeasti toiminut?",
            "author": "johanna.makinen",
            "posts": [
                {
                    "author": "johanna.makinen",
                    "body": _md(
                        """
                        Oulun hyvinvointikyselyssä yksinäisyys nousi yhdeksi
                        suurimmista huolista kotona asuvien ikäihmisten
                        keskuudessa. Meillä on ollut monenlaisia kokeiluja,
                        mutta niiden vaikutuksia on vaikea todentaa.

                        Kokoaisin tähän kokemuksia siitä, mikä on **oikeasti**
                        toiminut – ei vain se, mikä näyttää hyvältä
                        hankeraportissa. Erityisesti kiinnostaa:

                        - miten tavoitetaan ne, jotka eivät itse hakeudu
                          toimintaan
                        - miten toiminta jatkuu hankerahoituksen päätyttyä
                        """
                    ),
                },
                {
                    "author": "marja.salo",
                    "body": _md(
                        """
                        Meidän yhdistyksen puhelinystävätoiminta on ollut
                        yllättävän pitkäikäistä. Vapaaehtoinen soittaa samalle
                        ihmiselle kerran viikossa, ja suhde jatkuu usein vuosia.

                        Tavoittamisessa tärkeintä ovat olleet kotihoidon
                        työntekijät: he tietävät, kuka on yksin, ja voivat kysyä
                        luvan yhteydenottoon. Ilman tätä yhteistyötä emme
                        tavoittaisi juuri ketään.
                        """
                    ),
                },
                {
                    "author": "emma.schneider",
                    "body": _md(
                        """
                        In Lappeenranta we are piloting an intergenerational
                        project where university students live in a senior
                        housing block at a reduced rent and in return spend a
                        few hours a week with the residents. It's early days,
                        but the first feedback from residents has been very
                        positive.
                        """
                    ),
                },
                {
                    "author": "johanna.makinen",
                    "reply_to": 2,
                    "body": _md(
                        """
                        That sounds great, Emma! How did you handle the
                        practical side – who selects the students, and what
                        happens if the match doesn't work out?
                        """
                    ),
                },
                {
                    "author": "emma.schneider",
                    "reply_to": 3,
                    "body": _md(
                        """
                        The housing company and the student union select them
                        together, with a short interview. There's a trial
                        period of two months, and a social worker is available
                        if there are issues. I can share our agreement template.
                        """
                    ),
                },
                {
                    "author": "riikka.hamalainen",
                    "body": _md(
                        """
                        Yksi konkreettinen keino Kuopiosta: ikäihmiset voivat
                        tulla syömään koulujen ruokaloihin tiettyinä päivinä.
                        Ateria on edullinen, ja moni kertoo tulevansa ennen
                        kaikkea seuran takia. Samalla koulun ruokahävikki
                        pienenee, koska ruokamäärät voidaan suunnitella
                        paremmin.
                        """
                    ),
                },
                {
                    "author": "elina.koskinen",
                    "reply_to": 5,
                    "body": _md(
                        """
                        Tämä on hieno esimerkki siitä, miten sama toimenpide
                        osuu useaan teemaan. Nostetaan tämä myös
                        teemojen välisten haasteiden työtilaan.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Osallistuva budjetointi: kokemuksia toisesta kierroksesta",
            "author": "elina.koskinen",
            "posts": [
                {
                    "author": "elina.koskinen",
                    "body": _md(
                        """
                        Hämeenlinnassa on käynnissä osallistuvan budjetoinnin
                        toinen kierros. Ensimmäisen kierroksen opit:

                        | Vaihe | Mikä toimi | Mitä muutimme |
                        |---|---|---|
                        | Ideointi | verkkolomake ja työpajat kirjastoissa | lisättiin koulujen ideointitunnit |
                        | Kehittäminen | ideoiden yhdistäminen asukkaiden kanssa | aikaa pidennettiin kahdella viikolla |
                        | Äänestys | sähköinen äänestys | lisättiin paperinen vaihtoehto kirjastoihin |
                        | Toteutus | näkyvät pienet hankkeet | viestintä toteutuksesta parannettiin |

                        Äänestysaktiivisuus oli omassa seurannassamme korkein
                        niillä alueilla, joilla oli järjestetty kasvokkaisia
                        työpajoja. Haasteena on edelleen saada mukaan
                        vieraskieliset asukkaat.
                        """
                    ),
                },
                {
                    "author": "laura.heikkinen",
                    "body": _md(
                        """
                        Turussa havaittiin sama: pelkkä verkkoalusta tavoittaa
                        lähinnä jo valmiiksi aktiiviset. Meillä
                        monikielisten asukkaiden osallistumista lisäsivät
                        järjestöjen kanssa yhdessä pidetyt ideointitilaisuudet
                        ja ideakortit usealla kielellä.
                        """
                    ),
                },
                {
                    "author": "marja.salo",
                    "body": _md(
                        """
                        Järjestönäkökulmasta toive: kertokaa meille ajoissa,
                        milloin ideointi alkaa. Usein kuulemme siitä vasta, kun
                        äänestys on jo käynnissä, eikä jäseniä ehditä
                        aktivoida.
                        """
                    ),
                },
                {
                    "author": "elina.koskinen",
                    "reply_to": 2,
                    "body": _md(
                        """
                        > kertokaa meille ajoissa, milloin ideointi alkaa

                        Reilu palaute, kiitos. Teemme tälle kierrokselle
                        järjestöille oman tiedotteen kuukautta ennen ideoinnin
                        alkua. @marja.salo, voisitko välittää sen teidän
                        jäsenyhdistyksille?
                        """
                    ),
                },
                {
                    "author": "marja.salo",
                    "reply_to": 3,
                    "body": _md("Ilman muuta, lähetä vain!"),
                },
                {
                    "author": "katja.ojala",
                    "body": _md(
                        """
                        Ohjelma kokoaa osallistuvan budjetoinnin kokemuksia
                        kunnista yhteen julkaisuun. Tämän ketjun esimerkkejä
                        voisi hyödyntää siinä – kysyn vielä erikseen luvan
                        jokaiselta kirjoittajalta.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Hyvinvointikertomus ja kestävyystavoitteet samaan raporttiin?",
            "author": "laura.heikkinen",
            "posts": [
                {
                    "author": "laura.heikkinen",
                    "body": _md(
                        """
                        Kunnilla on nykyään monta raporttia, jotka käsittelevät
                        osin samoja asioita: hyvinvointikertomus,
                        ilmastoraportti, kestävän kehityksen vapaaehtoinen
                        raportti ja talousarvion seuranta.

                        Turussa selvitetään, voisiko hyvinvointikertomuksen ja
                        kestävyysraportoinnin yhdistää. Onko joku jo tehnyt
                        näin? Mitä tapahtui mittareille ja vastuunjaolle?
                        """
                    ),
                },
                {
                    "author": "johanna.makinen",
                    "body": _md(
                        """
                        Oulussa on kokeiltu yhteistä mittaristoa, mutta
                        raportit ovat vielä erillisiä. Suurin hyöty on tullut
                        siitä, että valmistelijat istuvat samoissa
                        palavereissa – sen jälkeen päällekkäisyydet ovat
                        vähentyneet huomattavasti.
                        """
                    ),
                },
                {
                    "author": "sofia.lindqvist",
                    "body": _md(
                        """
                        Yhdistämisessä kannattaa varoa, ettei sosiaalinen
                        ulottuvuus jää ympäristömittareiden varjoon. Moni
                        kestävyysraportti on käytännössä ilmastoraportti, jossa
                        on pari sosiaalista mittaria lopussa.
                        """
                    ),
                },
                {
                    "author": "laura.heikkinen",
                    "reply_to": 2,
                    "body": _md(
                        """
                        Juuri tätä pelkäämme. Ehkä ratkaisu on aloittaa
                        hyvinvointikertomuksen rakenteesta ja tuoda
                        ympäristömittarit sen sisään eikä toisin päin.
                        """
                    ),
                },
            ],
        },
    ],
}


# ---------------------------------------------------------------------------
# Workspace: Terveys
# ---------------------------------------------------------------------------

_TERVEYS: DemoWorkspace = {
    "slug": "terveys",
    "name": "Terveys",
    "description": (
        "Kaupunkiympäristö ja terveys: helteet, ilmanlaatu, sisäilma ja "
        "aktiivinen liikkuminen. Tutkijoiden ja kuntien yhteinen keskustelutila."
    ),
    "themes": ["terveys", "helteet", "ilmanlaatu", "liikkuminen"],
    "visibility": "network",
    "join_policy": "open",
    "owner": "johanna.makinen",
    "members": [
        ("johanna.makinen", "owner"),
        ("sofia.lindqvist", "moderator"),
        ("katja.ojala", "facilitator"),
        ("david.okafor", "member"),
        ("riikka.hamalainen", "member"),
        ("jussi.kemppainen", "member"),
        ("pekka.nieminen", "member"),
        ("anna.virtanen", "member"),
        ("marja.salo", "member"),
    ],
    "threads": [
        {
            "title": "Tervetuloa Terveys-työtilaan",
            "author": "johanna.makinen",
            "pinned": True,
            "posts": [
                {
                    "author": "johanna.makinen",
                    "body": _md(
                        """
                        Tervetuloa! Tässä työtilassa keskustellaan siitä, miten
                        kaupunkiympäristö vaikuttaa terveyteen ja miten
                        terveysnäkökulma saadaan mukaan ilmasto- ja
                        kaavoitustyöhön.

                        Huomioithan:

                        - Täällä ei käsitellä yksittäisten asukkaiden
                          terveystietoja missään muodossa.
                        - Tutkimustuloksista kerrotaan lähde, ja omat arviot
                          merkitään arvioiksi.
                        - Tutkijat ovat mukana keskustelijoina, eivät
                          konsultteina – mutta kysyä saa aina!
                        """
                    ),
                },
                {
                    "author": "david.okafor",
                    "body": _md(
                        """
                        Thanks Johanna. I'm following the heat and air quality
                        threads in particular – feel free to tag me.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Helleaallot ja terveys: helletoimintasuunnitelma kuntaan",
            "author": "johanna.makinen",
            "posts": [
                {
                    "author": "johanna.makinen",
                    "body": _md(
                        """
                        Viime kesän helleaalto sai meidät Oulussa
                        huomaamaan, ettei kaupungilla ole yhtenäistä
                        toimintamallia helteiden varalle. Valmistelemme nyt
                        helletoimintasuunnitelmaa. Luonnoksen pääkohdat:

                        1. **Varoitusketju**: kuka saa helletiedon ja kenelle se
                           välitetään (kotihoito, päiväkodit, palvelutalot).
                        2. **Viileät tilat**: kirjastot ja muut julkiset tilat
                           auki pidempään hellepäivinä.
                        3. **Riskiryhmien tavoittaminen**: yksin asuvat
                           ikäihmiset ja pitkäaikaissairaat.
                        4. **Rakennettu ympäristö**: varjostus, viherrakenteet ja
                           juomapisteet pitkällä aikavälillä.

                        Onko muilla jo valmiita suunnitelmia, joita voisi
                        hyödyntää? Luonnos on täällä:
                        https://example.org/oulu-demo/helletoimintasuunnitelma-luonnos
                        """
                    ),
                },
                {
                    "author": "sofia.lindqvist",
                    "body": _md(
                        """
                        Hyvä runko! Kohtaan 4 kannattaa lisätä
                        kaupunkilämpösaarekkeiden kartoitus. Tiiviisti
                        rakennetut ja vähäpuustoiset alueet voivat olla
                        hellepäivinä selvästi ympäristöään lämpimämpiä, ja ne
                        osuvat usein samoille alueille, joilla asuu paljon
                        ikäihmisiä.

                        Kartoituksen voi tehdä satelliittiaineistosta melko
                        kevyesti – voimme auttaa menetelmän kanssa.
                        """
                    ),
                },
                {
                    "author": "david.okafor",
                    "body": _md(
                        """
                        One thing I'd add to point 1: make sure the warning
                        chain also reaches outdoor workers and their
                        employers, including the city's own maintenance staff.
                        They're often forgotten in heat plans that focus on
                        vulnerable residents.
                        """
                    ),
                },
                {
                    "author": "johanna.makinen",
                    "reply_to": 2,
                    "body": _md(
                        """
                        Great point David, we hadn't thought about our own
                        outdoor staff at all. I'll add a separate section for
                        workplaces and ask occupational health to comment.
                        """
                    ),
                },
                {
                    "author": "marja.salo",
                    "body": _md(
                        """
                        Kohtaan 3: järjestöjen vapaaehtoiset voivat soittaa
                        tuttaville hellepäivinä, jos varoitus tulee riittävän
                        ajoissa. Tarvitsemme siihen valmiin, lyhyen ohjeen
                        siitä, mitä kysyä ja milloin pitää soittaa apua.
                        """
                    ),
                },
                {
                    "author": "anna.virtanen",
                    "body": _md(
                        """
                        Tampereella viherkerroin on ollut yksi keino tuoda
                        varjostus ja viherrakenteet mukaan kaavoitukseen jo
                        alkuvaiheessa. Ilmastoinnin lisääminen ratkaisee
                        ongelman rakennuksen sisällä, mutta se lisää
                        energiankulutusta – siksi pitkän aikavälin keinojen
                        pitäisi olla ensisijaisia.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Aktiivisen liikkumisen terveyshyödyt investointilaskelmiin",
            "author": "jussi.kemppainen",
            "posts": [
                {
                    "author": "jussi.kemppainen",
                    "body": _md(
                        """
                        Pyöräteiden ja kävely-ympäristön investoinnit
                        arvioidaan yleensä liikenneturvallisuuden ja
                        matka-aikojen perusteella. Terveyshyödyt jäävät usein
                        kokonaan laskelmien ulkopuolelle, vaikka ne voisivat
                        olla merkittäviä.

                        Oletteko käyttäneet jotakin työkalua terveyshyötyjen
                        rahalliseen arviointiin? Esimerkiksi WHO:n HEAT-työkalu
                        on tuttu, mutta miten sen tulokset on otettu vastaan
                        päätöksenteossa?
                        """
                    ),
                },
                {
                    "author": "pekka.nieminen",
                    "body": _md(
                        """
                        Jyväskylässä HEAT-laskelma tehtiin yhdelle
                        pääpyöräreitille. Tulos oli omassa laskelmassamme
                        vaikuttava, mutta lautakunnassa kysyttiin heti, kenen
                        budjettiin hyödyt kirjautuvat. Liikenteen investointi
                        maksetaan yhdestä momentista, ja hyödyt näkyvät aivan
                        toisaalla.
                        """
                    ),
                },
                {
                    "author": "johanna.makinen",
                    "reply_to": 1,
                    "body": _md(
                        """
                        > kenen budjettiin hyödyt kirjautuvat

                        Tämä on koko hyvinvoinnin edistämisen ikuinen kysymys.
                        Meillä on pohdittu, voisiko hyvinvointialueen kanssa
                        sopia yhteisistä tavoitteista, joihin molemmat
                        sitoutuvat – vaikka rahat pysyisivätkin erillään.
                        """
                    ),
                },
                {
                    "author": "david.okafor",
                    "body": _md(
                        """
                        From the research side: HEAT results are robust enough
                        for comparing options, but I'd be careful presenting
                        them as "money saved". Framing them as "avoided health
                        burden" tends to be received better and is more
                        accurate.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Sisäilma ja energiaremontit – ristiriita vai synergia?",
            "author": "sofia.lindqvist",
            "posts": [
                {
                    "author": "sofia.lindqvist",
                    "body": _md(
                        """
                        Energiaremonttien yhteydessä tulee välillä vastaan
                        huoli sisäilman heikkenemisestä: tiiviimpi vaippa ja
                        ilmanvaihdon säätäminen säästöjen nimissä voivat johtaa
                        ongelmiin, jos kokonaisuutta ei suunnitella huolella.

                        Toisaalta hyvin toteutettu peruskorjaus parantaa
                        yleensä sekä energiatehokkuutta että sisäilmaa. Kiinnostaa
                        kuulla kuntien kokemuksia:

                        - Onko sisäilmamittauksia tehty ennen ja jälkeen remontin?
                        - Miten ilmanvaihdon käyntiajat on päätetty kouluissa ja
                          päiväkodeissa?
                        """
                    ),
                },
                {
                    "author": "anna.virtanen",
                    "body": _md(
                        """
                        Tampereella ilmanvaihdon käyntiaikojen lyhentäminen
                        oli yksi energiansäästökeino, mutta kouluissa siitä
                        luovuttiin nopeasti palautteiden takia. Nyt
                        käyntiajat määritellään käyttöaikojen mukaan, ja
                        iltakäyttö on huomioitu erikseen.
                        """
                    ),
                },
                {
                    "author": "jussi.kemppainen",
                    "body": _md(
                        """
                        Oulussa on tehty muutamassa kohteessa
                        hiilidioksidi- ja lämpötilamittaukset ennen ja jälkeen
                        remontin. Omien mittaustemme perusteella olosuhteet
                        paranivat, mutta otos on pieni. Olisiko ohjelmassa
                        mahdollista koota yhteinen mittausprotokolla, jotta
                        tulokset olisivat vertailukelpoisia?
                        """
                    ),
                },
                {
                    "author": "sofia.lindqvist",
                    "reply_to": 2,
                    "body": _md(
                        """
                        Hyvä ehdotus @jussi.kemppainen. Luonnostelen
                        protokollan ja tuon sen tähän ketjuun kommentoitavaksi.
                        """
                    ),
                },
            ],
        },
    ],
}


# ---------------------------------------------------------------------------
# Workspace: Hyvä hallinto
# ---------------------------------------------------------------------------

_HYVA_HALLINTO: DemoWorkspace = {
    "slug": "hyva-hallinto",
    "name": "Hyvä hallinto",
    "description": (
        "Avoin, osallistava ja vaikuttavuutta arvioiva päätöksenteko kestävän "
        "kaupungin tukena. Ilmastobudjetointi, avoin data ja kestävyysarviointi."
    ),
    "themes": ["hallinto", "päätöksenteko", "avoin data", "budjetointi"],
    "visibility": "public",
    "join_policy": "open",
    "owner": "laura.heikkinen",
    "members": [
        ("laura.heikkinen", "owner"),
        ("katja.ojala", "moderator"),
        ("elina.koskinen", "member"),
        ("sami.laine", "member"),
        ("ville.rantanen", "member"),
        ("tuomas.lehtonen", "member"),
        ("emma.schneider", "member"),
        ("anna.virtanen", "member"),
        ("mikko.korhonen", "member"),
    ],
    "threads": [
        {
            "title": "Tervetuloa – työtilan periaatteet",
            "author": "laura.heikkinen",
            "pinned": True,
            "posts": [
                {
                    "author": "laura.heikkinen",
                    "body": _md(
                        """
                        Tämä työtila on julkinen, eli kaikki kirjoittamasi näkyy
                        myös verkoston ulkopuolisille. Se on tarkoituksellista:
                        hyvää hallintoa koskevan keskustelun kuuluu olla avointa.

                        Periaatteet:

                        - Kirjoita omissa nimissäsi ja kerro, milloin esität
                          oman organisaatiosi kannan ja milloin oman mielipiteesi.
                        - Keskeneräisistä päätösvalmisteluista keskustellaan
                          vasta, kun ne ovat julkisia.
                        - Asiallinen sävy myös silloin, kun ollaan eri mieltä.
                        """
                    ),
                },
                {
                    "author": "katja.ojala",
                    "body": _md(
                        """
                        Kiitos Laura. Moderaattorina muistutan vielä, että
                        julkisessa tilassa ei jaeta luonnoksia, joita ei ole
                        julkaistu muualla. Niille sopii paremmin verkoston
                        sisäinen työtila.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Ilmastobudjetointi osaksi talousarviota",
            "author": "laura.heikkinen",
            "posts": [
                {
                    "author": "laura.heikkinen",
                    "body": _md(
                        """
                        Turussa ilmastobudjetointi on ollut mukana talousarviossa
                        muutaman vuoden. Tiivistettynä, miten se meillä toimii:

                        1. Jokainen toimiala arvioi tärkeimpien
                           toimenpiteidensä päästövaikutuksen.
                        2. Arviot kootaan talousarvion liitteeksi.
                        3. Toteutumaa seurataan osavuosikatsauksissa.

                        Suurin muutos ei ole ollut numeroissa vaan siinä, että
                        ilmastovaikutuksista puhutaan nyt samassa pöydässä kuin
                        euroista. Kysyn muilta: miten olette saaneet
                        talousjohdon sitoutumaan?
                        """
                    ),
                },
                {
                    "author": "anna.virtanen",
                    "body": _md(
                        """
                        Tampereella ratkaisevaa oli, että talousjohtaja oli
                        itse mukana suunnittelemassa mallia. Kun kehys on
                        talouspuolen oma, siihen sitoudutaan aivan eri tavalla
                        kuin ympäristöyksiköltä tulleeseen lisäpyyntöön.
                        """
                    ),
                },
                {
                    "author": "tuomas.lehtonen",
                    "body": _md(
                        """
                        Pienessä kunnassa tämä kuulostaa raskaalta. Iissä
                        talousarvion tekee muutama ihminen, eikä erillistä
                        ilmastoliitettä ehditä laatia. Onko kevyempää mallia,
                        esimerkiksi että vain suurimmat investoinnit arvioidaan?
                        """
                    ),
                },
                {
                    "author": "laura.heikkinen",
                    "reply_to": 2,
                    "body": _md(
                        """
                        > vain suurimmat investoinnit arvioidaan

                        Juuri näin kannattaa aloittaa. Meilläkin ensimmäisenä
                        vuonna arvioitiin vain investointiosa. Käyttötalouteen
                        laajennettiin vasta, kun prosessi oli tuttu.
                        """
                    ),
                },
                {
                    "author": "ville.rantanen",
                    "body": _md(
                        """
                        Lappeenrannassa ilmastobudjetti tuotiin samalla
                        valtuustoseminaariin, ja se auttoi paljon.
                        Luottamushenkilöt alkoivat kysyä päästövaikutuksista
                        itse, eikä asia jäänyt virkamiesten liitteeksi.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Open data and traceability of decisions",
            "author": "emma.schneider",
            "posts": [
                {
                    "author": "emma.schneider",
                    "body": _md(
                        """
                        In our EU project we're looking at how cities link
                        climate and sustainability targets to actual council
                        decisions. Ideally a resident could follow a target →
                        the decisions affecting it → the outcome data.

                        Does any Finnish city publish something like this? I've
                        seen good open data portals, but the link between
                        decisions and indicators is usually missing.
                        """
                    ),
                },
                {
                    "author": "laura.heikkinen",
                    "body": _md(
                        """
                        Hi Emma! Not fully, as far as I know. Several cities
                        publish their climate indicators in a dashboard, and
                        decision documents are searchable, but linking the two
                        is still mostly manual. We'd be very interested in a
                        common data model for this.
                        """
                    ),
                },
                {
                    "author": "sami.laine",
                    "body": _md(
                        """
                        Hankintapäätösten osalta tämä olisi kiinnostavaa
                        myös meille. Jos hankintapäätöksiin liitettäisiin
                        rakenteisesti tieto käytetyistä kestävyyskriteereistä,
                        voisimme vihdoin seurata niiden todellista käyttöä.
                        """
                    ),
                },
                {
                    "author": "emma.schneider",
                    "reply_to": 2,
                    "body": _md(
                        """
                        @sami.laine that's a great concrete use case. Would you
                        be willing to join a short call with our project team
                        to describe how procurement decisions are documented in
                        Vantaa? (Voin myös yrittää suomeksi, hitaasti. 😄)
                        """
                    ),
                },
            ],
        },
        {
            "title": "Kestävyysarviointi päätösvalmistelussa – lomake vai kulttuuri?",
            "author": "ville.rantanen",
            "posts": [
                {
                    "author": "ville.rantanen",
                    "body": _md(
                        """
                        Monessa kunnassa päätösesityksiin on lisätty kohta
                        ilmasto- tai kestävyysvaikutuksista. Meidän
                        kokemuksemme mukaan kohta täytetään usein lauseella
                        "ei merkittäviä vaikutuksia".

                        Olemme miettineet porrastettua mallia:

                        | Taso | Milloin | Mitä tehdään |
                        |---|---|---|
                        | 1 | kaikki päätökset | tarkistuslista, 5 kysymystä |
                        | 2 | investoinnit ja kaavat | sanallinen arvio ja asiantuntijan kommentti |
                        | 3 | strategiset päätökset | laaja arviointi vaihtoehdoittain |

                        Toimisiko tällainen? Vai onko ongelma pikemminkin
                        kulttuurissa kuin lomakkeessa?
                        """
                    ),
                },
                {
                    "author": "elina.koskinen",
                    "body": _md(
                        """
                        Molemmissa, luulen. Hämeenlinnassa lapsivaikutusten
                        arviointi alkoi toimia vasta, kun valmistelijoille
                        järjestettiin lyhyitä koulutuksia ja esimerkkejä hyvin
                        tehdyistä arvioinneista. Pelkkä lomake ei muuttanut
                        mitään.
                        """
                    ),
                },
                {
                    "author": "mikko.korhonen",
                    "body": _md(
                        """
                        Porrastus kuulostaa järkevältä. Tasolle 1 kannattaa
                        ehdottomasti ottaa mukaan myös kiertotalous ja
                        sosiaaliset vaikutukset – muuten "kestävyysarviointi"
                        tarkoittaa käytännössä vain hiilidioksidia.
                        """
                    ),
                },
                {
                    "author": "ville.rantanen",
                    "reply_to": 1,
                    "body": _md(
                        """
                        Kiitos Elina, tämä on hyvä muistutus. Lisään
                        suunnitelmaan koulutusosion ja esimerkkipankin.
                        @katja.ojala, olisiko ohjelmalla mahdollisuutta tukea
                        yhteistä koulutusmateriaalia?
                        """
                    ),
                },
            ],
        },
    ],
}


# ---------------------------------------------------------------------------
# Workspace: Teemojen väliset haasteet (steering group, private)
# ---------------------------------------------------------------------------

_TEEMOJEN_VALISET: DemoWorkspace = {
    "slug": "teemojen-valiset-haasteet",
    "name": "Teemojen väliset haasteet",
    "description": (
        "Ohjelman ohjausryhmän suljettu työtila haasteille, jotka eivät mahdu "
        "yhden teeman alle. Jäsenyys kutsusta."
    ),
    "themes": ["ohjausryhmä", "ristiriidat", "oikeudenmukainen siirtymä"],
    "visibility": "private",
    "join_policy": "invite",
    "owner": "katja.ojala",
    "members": [
        ("katja.ojala", "owner"),
        ("sofia.lindqvist", "facilitator"),
        ("anna.virtanen", "member"),
        ("mikko.korhonen", "member"),
        ("johanna.makinen", "member"),
        ("elina.koskinen", "member"),
        ("laura.heikkinen", "member"),
        ("tuomas.lehtonen", "member"),
    ],
    "threads": [
        {
            "title": "Ohjausryhmän työtila: tarkoitus ja pelisäännöt",
            "author": "katja.ojala",
            "pinned": True,
            "posts": [
                {
                    "author": "katja.ojala",
                    "body": _md(
                        """
                        Tämä on ohjausryhmän suljettu työtila. Tänne tuodaan
                        kysymyksiä, joissa eri teemojen tavoitteet ovat
                        ristiriidassa tai joissa tarvitaan useamman teeman
                        yhteistä ratkaisua.

                        Pelisäännöt:

                        1. Keskustelut ovat luottamuksellisia, kunnes toisin
                           sovitaan.
                        2. Jokaisesta ketjusta kirjataan lopuksi yhteenveto ja
                           mahdollinen päätös.
                        3. Teematyötiloista voi nostaa asioita tänne – linkitä
                           alkuperäinen keskustelu.
                        """
                    ),
                },
                {
                    "author": "sofia.lindqvist",
                    "body": _md(
                        """
                        Fasilitaattorina kokoan ketjuista yhteenvedot
                        kuukausittain ohjausryhmän kokouksen pohjaksi.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Kun ilmastotoimi ja sosiaalinen oikeudenmukaisuus törmäävät: pysäköintipolitiikka",
            "author": "anna.virtanen",
            "posts": [
                {
                    "author": "anna.virtanen",
                    "body": _md(
                        """
                        Tampereella valmistellaan pysäköintimaksujen
                        korottamista ja maksullisen alueen laajentamista osana
                        liikenteen päästövähennyksiä. Kritiikki on ollut
                        kovaa: se osuu erityisesti pienituloisiin
                        vuorotyöläisiin, joilla ei ole realistista
                        joukkoliikennevaihtoehtoa yövuoroon.

                        > Ilmastotoimet, jotka koetaan epäoikeudenmukaisiksi,
                        > eivät kestä poliittisesti.

                        Miten tällaisia ristiriitoja on ratkaistu muualla?
                        """
                    ),
                },
                {
                    "author": "elina.koskinen",
                    "body": _md(
                        """
                        Tärkeintä on, että vaikutukset eri ryhmiin arvioidaan
                        ennen päätöstä eikä vasta kritiikin jälkeen. Ehdottaisin
                        vaikutusten arviointia ryhmittäin: tulotaso, vuorotyö,
                        liikuntarajoitteet ja asuinalue.
                        """
                    ),
                },
                {
                    "author": "tuomas.lehtonen",
                    "body": _md(
                        """
                        Pienen kunnan näkökulmasta sama ristiriita tulee vastaan
                        eri muodossa: Iissä auto on monelle ainoa vaihtoehto, ja
                        siksi olemme panostaneet latausinfraan ja kutsuliikenteeseen
                        emmekä maksuihin. Kaupungeissa tilanne on tietysti toinen.
                        """
                    ),
                },
                {
                    "author": "johanna.makinen",
                    "reply_to": 1,
                    "body": _md(
                        """
                        Kannatan Elinan ehdotusta. Lisäisin, että osa
                        maksutuloista voitaisiin korvamerkitä
                        vaihtoehtojen parantamiseen – esimerkiksi
                        yövuorojen joukkoliikenneyhteyksiin sairaalan ja
                        teollisuusalueiden suuntaan.
                        """
                    ),
                },
                {
                    "author": "katja.ojala",
                    "body": _md(
                        """
                        **Yhteenveto ohjausryhmälle:**

                        - Ristiriita tunnistetaan yleiseksi useassa kunnassa.
                        - Suositus: vaikutusten arviointi ryhmittäin ennen
                          päätöstä ja maksutulojen osittainen korvamerkintä.
                        - Jatkotoimi: @sofia.lindqvist kokoaa lyhyen
                          tarkistuslistan oikeudenmukaisuusvaikutusten
                          arviointiin.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Ruoka teemojen risteyksessä: ilmasto, terveys, hävikki ja ruoka-apu",
            "author": "johanna.makinen",
            "posts": [
                {
                    "author": "johanna.makinen",
                    "body": _md(
                        """
                        Nostan tänne keskustelun, joka on noussut esiin
                        usealla työtilalla. Julkisten ruokapalveluiden
                        kehittämisessä on samanaikaisesti monta tavoitetta:

                        - **ilmasto**: kasvispainotteisuus
                        - **terveys**: ravitsemussuositukset ja ruokailun
                          houkuttelevuus
                        - **kiertotalous**: hävikin vähentäminen
                        - **sosiaalinen kestävyys**: yhteisöruokailu ja ruoka-apu

                        Nämä eivät aina vedä samaan suuntaan – esimerkiksi
                        kasvisruoan lisääminen voi alkuvaiheessa kasvattaa
                        hävikkiä. Tarvitsemmeko ohjelmalle yhteisen linjauksen?
                        """
                    ),
                },
                {
                    "author": "mikko.korhonen",
                    "body": _md(
                        """
                        Kiertotalouden työtilassa Kuopion esimerkki osoitti,
                        että oppilaiden osallistaminen vähentää hävikkiä. Se
                        voisi olla ratkaisu myös kasvisruoan lisäämisen
                        ongelmaan: kun ruokalistaa kehitetään yhdessä,
                        uudet ruoat otetaan paremmin vastaan.
                        """
                    ),
                },
                {
                    "author": "laura.heikkinen",
                    "body": _md(
                        """
                        Yhteinen linjaus olisi hyvä, mutta sen pitäisi olla
                        periaatetasolla. Kunnilla on hyvin erilaiset
                        ruokapalveluiden järjestämistavat, eikä yksi malli sovi
                        kaikille.
                        """
                    ),
                },
                {
                    "author": "katja.ojala",
                    "reply_to": 2,
                    "body": _md(
                        """
                        Samaa mieltä. Ehdotan, että valmistellaan lyhyt
                        periaatepaperi (enintään kaksi sivua), jota kunnat voivat
                        soveltaa. Pohjaksi käytetään tämän ketjun ja
                        teematyötilojen keskusteluja. Luonnos tulee tänne
                        kommentoitavaksi ennen seuraavaa kokousta.
                        """
                    ),
                },
            ],
        },
        {
            "title": "Kevätseminaarin teemat – ehdotuksia",
            "author": "katja.ojala",
            "posts": [
                {
                    "author": "katja.ojala",
                    "body": _md(
                        """
                        Ohjelman kevätseminaarin suunnittelu alkaa. Alustava
                        ajatus on, että seminaari keskittyy teemojen välisiin
                        kysymyksiin. Ehdotuksia tähän mennessä:

                        1. Oikeudenmukainen siirtymä kunnissa
                        2. Ruokapalvelut kestävyyden risteyskohtana
                        3. Pienten kuntien resurssit ja verkostoituminen

                        Lisätkää omia ehdotuksianne ja kommentoikaa näitä.
                        Ilmoittautumissivu avataan myöhemmin osoitteessa
                        https://example.org/kevatseminaari
                        """
                    ),
                },
                {
                    "author": "tuomas.lehtonen",
                    "body": _md(
                        """
                        Kolmonen on meille pienille kunnille tärkeä! Ehdottaisin
                        siihen käytännönläheistä työpajaa, jossa isommat
                        kaupungit "kummittavat" pienempiä jonkin konkreettisen
                        asian, kuten ilmastotiekartan, kanssa.
                        """
                    ),
                },
                {
                    "author": "anna.virtanen",
                    "reply_to": 1,
                    "body": _md(
                        """
                        Kummitoiminta on loistava idea. Tampere voi lähteä
                        mukaan ainakin yhden kunnan kummiksi.
                        """
                    ),
                },
            ],
        },
    ],
}


WORKSPACES: list[DemoWorkspace] = [
    _VAHAHIILISYYS,
    _KIERTOTALOUS,
    _SOSIAALINEN,
    _TERVEYS,
    _HYVA_HALLINTO,
    _TEEMOJEN_VALISET,
]


# ---------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------


def _self_check() -> None:
    handle_re = re.compile(r"^[a-z0-9._-]+$")
    mention_re = re.compile(r"(?<![\w.])@([a-z0-9](?:[a-z0-9._-]*[a-z0-9])?)")
    roles = {"owner", "moderator", "facilitator", "member"}

    handles = [u["handle"] for u in USERS]
    assert 12 <= len(USERS) <= 16, len(USERS)
    assert len(handles) == len(set(handles)), "duplicate handles"
    assert len({u["email"] for u in USERS}) == len(USERS), "duplicate emails"
    for user in USERS:
        assert handle_re.match(user["handle"]), user["handle"]
        assert user["email"].endswith(("@example.fi", "@example.org")), user["email"]
        assert user["language"] in {"fi", "en"}, user
        assert user["display_name"] and user["organisation"] and user["title"], user
    known = set(handles)

    slugs = [w["slug"] for w in WORKSPACES]
    assert len(slugs) == len(set(slugs)), "duplicate workspace slugs"
    names = {w["name"] for w in WORKSPACES}
    for required in (
        "Vähähiilisyys",
        "Kiertotalous",
        "Sosiaalinen kestävyys ja hyvinvointi",
        "Terveys",
        "Hyvä hallinto",
        "Teemojen väliset haasteet",
    ):
        assert required in names, required

    active: set[str] = set()
    for ws in WORKSPACES:
        where = ws["slug"]
        assert re.match(r"^[a-z0-9-]+$", where), where
        assert ws["visibility"] in {"public", "network", "private"}, where
        assert ws["join_policy"] in {"open", "request", "invite"}, where
        assert ws["description"] and ws["themes"], where
        member_handles = [h for h, _ in ws["members"]]
        assert len(member_handles) == len(set(member_handles)), f"{where}: dup member"
        member_roles = dict(ws["members"])
        for handle, role in ws["members"]:
            assert handle in known, f"{where}: unknown member {handle}"
            assert role in roles, f"{where}: bad role {role}"
        assert member_roles.get(ws["owner"]) == "owner", f"{where}: owner not member"
        owners = [h for h, r in ws["members"] if r == "owner"]
        assert owners == [ws["owner"]], f"{where}: owners {owners}"
        active.update(member_handles)

        assert 3 <= len(ws["threads"]) <= 6, f"{where}: {len(ws['threads'])} threads"
        titles = [t["title"] for t in ws["threads"]]
        assert len(titles) == len(set(titles)), f"{where}: duplicate thread titles"
        for thread in ws["threads"]:
            posts = thread["posts"]
            label = f"{where} / {thread['title']}"
            assert 2 <= len(posts) <= 8, f"{label}: {len(posts)} posts"
            assert posts[0]["author"] == thread["author"], label
            assert "reply_to" not in posts[0], label
            for i, post in enumerate(posts):
                assert post["author"] in member_roles, f"{label}: {post['author']}"
                assert post["body"].strip(), f"{label}: empty post {i}"
                if "reply_to" in post:
                    assert 0 <= post["reply_to"] < i, f"{label}: post {i}"
                for mention in mention_re.findall(post["body"]):
                    assert mention in known, f"{label}: unknown @{mention}"

    assert active == known, f"users without a workspace: {known - active}"

    n_threads = sum(len(w["threads"]) for w in WORKSPACES)
    n_posts = sum(len(t["posts"]) for w in WORKSPACES for t in w["threads"])
    print(
        f"OK: {len(USERS)} users, {len(WORKSPACES)} workspaces, "
        f"{n_threads} threads, {n_posts} posts"
    )


if __name__ == "__main__":
    _self_check()
