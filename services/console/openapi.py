"""The OpenAPI document of the console's JSON API (served at /api/openapi.json).

Hand-written so it says what matters to another tool: the paths, who may call them, every answer
they give (400/401/403/404/405/429 included) and which fields may be null. Authentication: the
console's session cookie (then a request that changes something carries the session's CSRF token
in `X-CSRF-Token`), or HTTP Basic with a console account. A contract test (schemathesis) holds
the API to this document.
"""

from __future__ import annotations

from typing import Any

from services.console import lijstvragen
from services.console.lijsten import GROOTTES, PAGINA_MAX, ZOEK_MAX

BIGINT_MAX = 2**63 - 1


def _fout(beschrijving: str) -> dict[str, Any]:
    return {
        "description": beschrijving,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fout"}}},
    }


TE_VEEL = {
    **_fout("te veel mislukte inlogpogingen (HTTP Basic); opnieuw na Retry-After seconden"),
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
}
STANDAARD_FOUTEN = {
    "400": _fout("ongeldig verzoek"),
    "401": _fout("niet ingelogd"),
    "403": _fout("rol mag dit niet, of verzoek van een andere site"),
    "429": TE_VEEL,
}


def _antwoorden(schema: dict[str, Any], *, niet_gevonden: bool = False) -> dict[str, Any]:
    uit = {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}, **STANDAARD_FOUTEN}
    if niet_gevonden:
        uit["404"] = _fout("bestaat niet")
    return uit


def _get(samenvatting: str, rollen: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    niet_gevonden = bool(extra.pop("niet_gevonden", False))
    return {
        "get": {
            "summary": samenvatting,
            "description": f"Rollen: {rollen}.",
            "responses": _antwoorden(schema, niet_gevonden=niet_gevonden),
            **extra,
        }
    }


def _obj(*verplicht: str, **props: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if verplicht:
        schema["required"] = list(verplicht)
    return schema


def _lijst(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


TEKST = {"type": "string"}
ZONDER_NUL = "^[^\\u0000]*$"  # PostgreSQL text holds no NUL character: a parameter with one is a 400
PARAM = {"type": "string", "pattern": ZONDER_NUL}
PARAM_OF_NULL = {"type": ["string", "null"], "pattern": ZONDER_NUL}
OF_NULL = {"type": ["string", "null"]}
GETAL = {"type": "integer"}
GETAL_OF_NULL = {"type": ["integer", "null"]}
TIJD = {"type": "string", "format": "date-time"}
TIJD_OF_NULL = {"type": ["string", "null"], "format": "date-time"}
VRIJ = {"type": "object", "additionalProperties": True}
ALLES: dict[str, Any] = {}
_TEGEN_NULMETING = _obj(
    "aantal",
    "nulmeting",
    "nulmeting_jaar",
    "verschil",
    "nulmeting_bereikt",
    aantal=GETAL,
    nulmeting=GETAL,
    nulmeting_jaar=GETAL,
    verschil=GETAL,
    nulmeting_bereikt={"type": "boolean"},
)
_JA_NEE_OF_NULL = {"type": ["boolean", "null"]}
KERNCIJFERS = _obj(
    "jaar",
    "interventiedekking",
    "stilleggingen",
    "waarschuwingen",
    "beleid",
    jaar=GETAL,
    interventiedekking=_obj(
        "geinspecteerd",
        "met_signaal",
        "pct",
        "nulmeting_onder_pct",
        "doel_pct",
        "nulmeting_bereikt",
        "doel_bereikt",
        geinspecteerd=GETAL,
        met_signaal=GETAL,
        pct={"type": ["number", "null"], "description": "null: geen werkgever met een risicosignaal dit jaar"},
        nulmeting_onder_pct={"type": "number"},
        nulmeting_jaar=GETAL,
        doel_pct={"type": "number"},
        nulmeting_bereikt=_JA_NEE_OF_NULL,
        doel_bereikt=_JA_NEE_OF_NULL,
        uitleg=TEKST,
    ),
    stilleggingen=_TEGEN_NULMETING,
    waarschuwingen=_TEGEN_NULMETING,
    beleid=TEKST,
)
REPLAY_ANTWOORD = _obj(
    "opnieuw_aangeboden",
    "al_aangeboden",
    opnieuw_aangeboden={**GETAL, "description": "pogingen die nu opnieuw zijn aangeboden"},
    al_aangeboden={**GETAL, "description": "gekozen dode letters waarvan de laatste poging al was aangeboden"},
    batch={**TEKST, "description": "id van deze replay (voortgang: /dode-letters?replay=<batch>)"},
)


def _lijstparameters(lijst: Any) -> list[dict[str, Any]]:
    """The query parameters of a paginated list: page, size, sort, direction, prefix search and its filters."""

    def q(naam: str, schema: dict[str, Any], beschrijving: str) -> dict[str, Any]:
        return {"name": naam, "in": "query", "required": False, "schema": schema, "description": beschrijving}

    return [
        q("pagina", {"type": "integer", "minimum": 1, "maximum": PAGINA_MAX}, "pagina, vanaf 1"),
        q("per_pagina", {"type": "integer", "enum": sorted({*GROOTTES, lijst.grootte})}, "rijen per pagina"),
        q("sorteer", {"type": "string", "enum": list(lijst.sorteerbaar)}, f"standaard {lijst.standaard}"),
        q("richting", {"type": "string", "enum": ["op", "af"]}, "oplopend of aflopend"),
        q("q", {"type": "string", "maxLength": ZOEK_MAX, "pattern": ZONDER_NUL}, "begin van id, KvK of naam"),
        *(q(f, PARAM, f"filter op {f}") for f in lijst.filters),
    ]


LIJSTKOP = {
    "vraag": {"type": "object", "additionalProperties": TEKST, "description": "de gestelde vraag als query-parameters"},
    "pagina": _obj("nummer", "grootte", "totaal", "paginas", nummer=GETAL, grootte=GETAL, totaal=GETAL, paginas=GETAL),
    "keuzes": {"type": "object", "additionalProperties": _lijst(TEKST), "description": "waarden per filter"},
}

PERSOONSGEGEVENS = (
    " Persoonsgegevens (werknemer_ref, bsn, werknemer) staan er alleen voor de beheerder in; voor andere rollen is "
    "de waarde '[afgeschermd]', ook waar zo'n waarde in een andere waarde staat (een referentie 'INS-1:W-7')."
)

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "waardigwerk operatorconsole",
        "version": "2.0.0",
        "description": "Het leesmodel achter de console: zaken, planning, loonvorderingen, huisvesting en dode "
        "letters. Autorisatie per rol en per object (een gemeente ziet alleen de delen van een zaak in haar eigen "
        "gemeente)." + PERSOONSGEGEVENS,
    },
    "components": {
        "securitySchemes": {
            "sessie": {"type": "apiKey", "in": "cookie", "name": "waardigwerk_console"},
            "basic": {"type": "http", "scheme": "basic"},
        },
        "schemas": {
            "Fout": _obj("fout", fout=TEKST),
            "Gebeurtenis": _obj(
                "id",
                "type",
                "tijd",
                id=TEKST,
                type=TEKST,
                tijd=TIJD,
                bron=TEKST,
                correlationid=OF_NULL,
                causationid=OF_NULL,
                oorzaak_type=OF_NULL,
                diepte=GETAL,
                zaak_ids=_lijst(TEKST),
                gemeentecode=OF_NULL,
                referentie=OF_NULL,
                beleid=OF_NULL,
                data=VRIJ,
            ),
            "Poging": _obj(
                dlq_topic=TEKST,
                partitie=GETAL,
                positie=GETAL,
                reden=OF_NULL,
                details=OF_NULL,
                dienst=OF_NULL,
                tijd=OF_NULL,
                replay_van=OF_NULL,
                gereplayed=TIJD_OF_NULL,
                gereplayed_door=OF_NULL,
            ),
            "DodeLetter": _obj(
                "id",
                "origineel_topic",
                "pogingen",
                id=GETAL,
                origineel_topic=TEKST,
                reden=OF_NULL,
                details=OF_NULL,
                dienst=OF_NULL,
                tijd=OF_NULL,
                sleutel=OF_NULL,
                ce_id=OF_NULL,
                ce_type=OF_NULL,
                pogingen={**GETAL, "description": "hoe vaak dit record op een DLQ-topic kwam"},
                geschiedenis=_lijst({"$ref": "#/components/schemas/Poging"}),
                inhoud={"description": "de oorspronkelijke data (afgeschermd)"},
                laatst_gereplayed=TIJD_OF_NULL,
                gereplayed_door=OF_NULL,
                eerder_gereplayed={
                    **TIJD_OF_NULL,
                    "description": "de laatste keer dat een poging van dit record opnieuw werd aangeboden",
                },
            ),
        },
    },
    "security": [{"sessie": []}, {"basic": []}],
    "paths": {
        "/api/ik": _get(
            "De ingelogde gebruiker",
            "alle",
            _obj("naam", "rol", "gemeentecode", naam=TEKST, rol=TEKST, gemeentecode=OF_NULL),
        ),
        "/api/overzicht": _get(
            "Aantallen per status per dienst, doorvoer per minuut (laatste uur), termijnen in gevaar/overschreden, "
            "capaciteitsgebruik per regio, SER-kerncijfers",
            "beheerder, operator, planner",
            _obj(
                statussen={"type": "object", "additionalProperties": {"type": "object"}},
                doorvoer=_lijst(GETAL),
                termijnen=_lijst(
                    _obj(
                        zaak_id=TEKST,
                        uiterlijk={"type": "string", "format": "date"},
                        gepland_op=OF_NULL,
                        gemeentecode=OF_NULL,
                        oordeel={"enum": ["overschreden", "risico"]},
                        reden=TEKST,
                    )
                ),
                capaciteit=_lijst(_obj(regio=TEKST, gepland=GETAL, beschikbaar=GETAL, pct={"type": "number"})),
                gebeurtenissen=GETAL,
                dode_letters=GETAL,
                kerncijfers=KERNCIJFERS,
            ),
        ),
        "/api/zaken": _get(
            "Zaken per pagina: filter op status, termijn (overschreden, risico, op_schema, geen_termijn), regio, "
            "gemeente, wet, beleidsvariant; zoeken op het begin van zaak-id, KvK-nummer of werkgeversnaam",
            "beheerder, operator, planner; gemeente alleen de zaken die zij mag openen",
            _obj(zaken=_lijst(VRIJ), **LIJSTKOP),
            parameters=_lijstparameters(lijstvragen.ZAKEN),
        ),
        "/api/planning": _get(
            "Inspecties per pagina met planning, werkgever en risico",
            "beheerder, operator, planner",
            _obj(inspecties=_lijst(VRIJ), **LIJSTKOP),
            parameters=_lijstparameters(lijstvragen.INSPECTIES),
        ),
        "/api/zaken/{zaak_id}": _get(
            "Eén zaak: tijdlijn over alle diensten in causale volgorde, risico-opbouw, berekeningen, boetes en "
            "stilleggingen van de werkgever, beleidsversies",
            "beheerder, operator, planner; gemeente voor een zaak met een melding, huisvestingscontrole of "
            "stillegging in de eigen gemeente, en dan alleen die delen (anders 403, ook als de zaak niet bestaat)",
            _obj(
                zaak=VRIJ,
                tijdlijn=_lijst({"$ref": "#/components/schemas/Gebeurtenis"}),
                risico=_lijst(VRIJ),
                berekeningen=_lijst(VRIJ),
                sancties=_lijst(VRIJ),
                beleid=_lijst(TEKST),
            ),
            parameters=[{"name": "zaak_id", "in": "path", "required": True, "schema": PARAM}],
            niet_gevonden=True,
        ),
        "/api/vorderingen": _get(
            "Loonvorderingen: keten van partijen, wie nu aansprakelijk is en op welke grond, volgende termijn",
            "beheerder, operator",
            _obj(vorderingen=_lijst(VRIJ), vandaag={"type": "string", "format": "date"}, **LIJSTKOP),
            parameters=_lijstparameters(lijstvragen.VORDERINGEN),
        ),
        "/api/huisvesting": _get(
            "Huisvestingscontroles en bevindingen per gemeente en regelcode",
            "beheerder, operator; gemeente alleen de eigen gemeente",
            _obj(controles=_lijst(VRIJ), bevindingen_per_gemeente=VRIJ, **LIJSTKOP),
            parameters=_lijstparameters(lijstvragen.HUISVESTING),
        ),
        "/api/dode-letters": _get(
            "Dode letters, één per record met de geschiedenis van zijn pogingen; de replay-audit",
            "beheerder, operator",
            _obj(
                dode_letters=_lijst({"$ref": "#/components/schemas/DodeLetter"}),
                totaal=GETAL,
                replays=_lijst(VRIJ),
                mag_replay={"type": "boolean"},
            ),
            parameters=[
                {"name": "topic", "in": "query", "required": False, "schema": PARAM},
                {"name": "reden", "in": "query", "required": False, "schema": PARAM},
                {"name": "dienst", "in": "query", "required": False, "schema": PARAM},
                {"name": "pagina", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
            ],
        ),
        "/api/dode-letters/replay": {
            "post": {
                "summary": "Een selectie dode letters (topic, reden, dienst; weggelaten: alle) ongewijzigd opnieuw "
                "op hun oorspronkelijke topic zetten, per poging één keer (geaudit)",
                "description": "Rollen: beheerder. Vereist een uitdrukkelijke bevestiging.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": _obj(
                                "bevestigd",
                                bevestigd={"const": True},
                                topic=PARAM_OF_NULL,
                                reden=PARAM_OF_NULL,
                                dienst=PARAM_OF_NULL,
                            )
                        }
                    },
                },
                "responses": _antwoorden(REPLAY_ANTWOORD),
            }
        },
        "/api/dode-letters/{id}/replay": {
            "post": {
                "summary": "Eén dode letter ongewijzigd opnieuw op zijn oorspronkelijke topic zetten (geaudit); "
                "een poging die al is aangeboden wordt niet nog eens aangeboden",
                "description": "Rollen: beheerder.",
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": BIGINT_MAX},
                    }
                ],
                "responses": _antwoorden(REPLAY_ANTWOORD, niet_gevonden=True),
            }
        },
        "/api/zoeken": _get(
            "Zoeken op zaak-id, KvK-nummer, referentie van melder/indiener, inspectie-, vordering- of contract-id, "
            "postcode",
            "alle; resultaten gefilterd per rol en gemeente",
            _obj(
                q=TEKST, zaken=_lijst(VRIJ), inspecties=_lijst(VRIJ), vorderingen=_lijst(VRIJ), huisvesting=_lijst(VRIJ)
            ),
            parameters=[
                {
                    "name": "q",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"},
                }
            ],
        ),
        "/api/stroom": {
            "get": {
                "summary": "Server-sent events: 'wijziging' met {volgnummer, dode_letters} bij elke nieuwe gebeurtenis",
                "description": "Rollen: alle.",
                "responses": {
                    "200": {"description": "ok", "content": {"text/event-stream": {"schema": TEKST}}},
                    "401": STANDAARD_FOUTEN["401"],
                    "429": TE_VEEL,
                },
            }
        },
        "/api/openapi.json": {
            "get": {
                "summary": "Dit document",
                "security": [],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": VRIJ}}}},
            }
        },
    },
}
