"""The demo network's documents: good practices other cities can learn from, and a working page.

Each is written by a member of its workspace; a second revision shows the history and diff pages.
"""

from __future__ import annotations

from typing import Any, TypedDict


class DemoDocument(TypedDict):
    workspace: str
    author: str          # handle of a member of the workspace
    title: str
    kind: str            # "page" | "good_practice"
    body: str
    fields: dict[str, Any]
    edit: tuple[str, str, str]  # (editor's handle, text to append, summary) — the second revision


DOCUMENTS: list[DemoDocument] = [
    {
        "workspace": "vahahiilisyys",
        "author": "anna.virtanen",
        "title": "Koulujen lämpöpumppuhanke",
        "kind": "good_practice",
        "body": (
            "Tampere vaihtoi kahdeksan koulun öljy- ja sähkölämmityksen maalämpöön vuosina 2022–2024.\n\n"
            "## Miten teimme\n\n"
            "- Kiinteistöt valittiin energiankulutuksen ja peruskorjausaikataulun mukaan.\n"
            "- Urakat kilpailutettiin kahdessa erässä, jotta pienemmätkin yritykset pääsivät mukaan.\n"
            "- Oppilaat seurasivat kulutusta luokan näytöltä osana ympäristökasvatusta.\n\n"
            "## Mitä oppisimme uudelleen\n\n"
            "Porakaivojen luvitus kannattaa aloittaa jo suunnitteluvaiheessa: se vei odotettua kauemmin."
        ),
        "fields": {
            "organisation": "Tampereen kaupunki",
            "themes": ["energia", "rakennukset", "koulut"],
            "sdgs": [7, 11, 13],
            "status": "completed",
            "results": "Lämmityksen päästöt laskivat 86 % ja energiakulut 41 % kolmessa vuodessa.",
            "contact": "Anna Virtanen, ilmastoasiantuntija",
        },
        "edit": ("pekka.nieminen",
                 "\n\nJyväskylä kokeilee samaa mallia kahdessa päiväkodissa syksyllä 2026.",
                 "Lisätty Jyväskylän kokeilu"),
    },
    {
        "workspace": "kiertotalous",
        "author": "mikko.korhonen",
        "title": "Rakennusosien kierrätyspankki",
        "kind": "good_practice",
        "body": (
            "Lahden purkukohteista talteen otetut ovet, ikkunat, valaisimet ja kalusteet kirjataan "
            "verkkopankkiin, josta kaupungin omat hankkeet ja asukkaat voivat varata ne.\n\n"
            "Purkukartoitus tehdään ennen purkupäätöstä, ja talteenotto on urakkaehdoissa."
        ),
        "fields": {
            "organisation": "Lahden kaupunki",
            "themes": ["kiertotalous", "rakentaminen"],
            "sdgs": [11, 12],
            "status": "ongoing",
            "results": "Ensimmäisenä vuonna 312 rakennusosaa uudelleenkäyttöön, 48 tonnia vähemmän jätettä.",
            "contact": "Mikko Korhonen, kiertotalouskoordinaattori",
        },
        "edit": ("sami.laine", "\n\nVantaa on kiinnostunut yhteisestä pankista pääkaupunkiseudulle.",
                 "Vantaan kiinnostus"),
    },
    {
        "workspace": "sosiaalinen-kestavyys",
        "author": "elina.koskinen",
        "title": "Nuorten kesätyöseteli",
        "kind": "good_practice",
        "body": (
            "Hämeenlinna tukee yrityksiä ja yhdistyksiä, jotka palkkaavat 15–17-vuotiaan kesätöihin. "
            "Seteli kattaa puolet kahden viikon palkasta.\n\n"
            "Haku on sähköinen, ja nuoret saavat työnhakuvalmennusta nuorisotaloilla."
        ),
        "fields": {
            "organisation": "Hämeenlinnan kaupunki",
            "themes": ["nuoret", "työllisyys"],
            "sdgs": [4, 8, 10],
            "status": "ongoing",
            "results": "Vuonna 2025 kesätyön sai 420 nuorta, joista kolmannes ensimmäistä kertaa.",
            "contact": "Elina Koskinen, hyvinvointikoordinaattori",
        },
        "edit": ("marja.salo", "\n\nTurku tarjoaa samanlaista seteliä myös 18-vuotiaille.", "Turun malli"),
    },
    {
        "workspace": "vahahiilisyys",
        "author": "sofia.lindqvist",
        "title": "Verkoston ilmastotyön vuosikello 2027",
        "kind": "page",
        "body": (
            "Yhteinen aikataulu, johon kaupungit voivat liittää omat tapahtumansa.\n\n"
            "| Kuukausi | Teema |\n| --- | --- |\n| Tammikuu | Päästölaskennan tulokset |\n"
            "| Huhtikuu | Liikenteen kevätkampanja |\n| Syyskuu | Energiansäästöviikko |\n"
            "| Marraskuu | Seuraavan vuoden budjetit |"
        ),
        "fields": {},
        "edit": ("tuomas.lehtonen", "\n\nLisää oma tapahtumasi kommentteihin, niin päivitämme taulukon.",
                 "Ohje kommentoijille"),
    },
]
