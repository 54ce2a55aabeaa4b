"""The OpenAPI document of the console's JSON API (served at /api/openapi.json).

Hand-written so it says what matters to another tool: the paths, who may call them, and the
answers including 401/403/404. Authentication: the console's session cookie, or HTTP Basic with a
console account.
"""

from __future__ import annotations

from typing import Any

FOUT = {"description": "fout", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fout"}}}}
STANDAARD_FOUTEN = {"401": {**FOUT, "description": "niet ingelogd"}, "403": {**FOUT, "description": "rol mag dit niet"}}


def _get(samenvatting: str, rollen: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "get": {
            "summary": samenvatting,
            "description": f"Rollen: {rollen}.",
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": schema}}},
                **STANDAARD_FOUTEN,
            },
            **extra,
        }
    }


def _obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


def _lijst(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


TEKST = {"type": "string"}
GETAL = {"type": "integer"}
VRIJ = {"type": "object", "additionalProperties": True}
REPLAY_ANTWOORD = _obj(opnieuw_aangeboden=GETAL)
PERSOONSGEGEVENS = (
    " Persoonsgegevens (werknemer_ref, bsn, werknemer) staan er alleen voor de beheerder in; "
    "voor andere rollen is de waarde '[afgeschermd]'."
)

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "waardigwerk operatorconsole",
        "version": "1.0.0",
        "description": "Het leesmodel achter de console: zaken, planning, loonvorderingen, huisvesting en dode "
        "letters. Autorisatie per rol en per object (een gemeente ziet alleen haar eigen gemeentecode)."
        + PERSOONSGEGEVENS,
    },
    "components": {
        "securitySchemes": {
            "sessie": {"type": "apiKey", "in": "cookie", "name": "waardigwerk_console"},
            "basic": {"type": "http", "scheme": "basic"},
        },
        "schemas": {
            "Fout": _obj(fout=TEKST),
            "Gebeurtenis": _obj(
                id=TEKST,
                type=TEKST,
                tijd={"type": "string", "format": "date-time"},
                bron=TEKST,
                correlationid=TEKST,
                causationid=TEKST,
                oorzaak_type=TEKST,
                diepte=GETAL,
                zaak_ids=_lijst(TEKST),
                beleid=TEKST,
                data=VRIJ,
            ),
            "DodeLetter": _obj(
                id=GETAL,
                dlq_topic=TEKST,
                partitie=GETAL,
                positie=GETAL,
                origineel_topic=TEKST,
                reden=TEKST,
                details=TEKST,
                dienst=TEKST,
                ce_id=TEKST,
                ce_type=TEKST,
                inhoud={"description": "de oorspronkelijke data (afgeschermd)"},
                laatst_gereplayed={"type": ["string", "null"], "format": "date-time"},
            ),
        },
    },
    "security": [{"sessie": []}, {"basic": []}],
    "paths": {
        "/api/ik": _get("De ingelogde gebruiker", "alle", _obj(naam=TEKST, rol=TEKST, gemeentecode=TEKST)),
        "/api/overzicht": _get(
            "Aantallen per status per dienst, doorvoer per minuut (laatste uur), termijnen in gevaar/overschreden, "
            "capaciteitsgebruik per regio",
            "beheerder, operator, planner",
            _obj(
                statussen={"type": "object", "additionalProperties": {"type": "object"}},
                doorvoer=_lijst(GETAL),
                termijnen=_lijst(
                    _obj(
                        zaak_id=TEKST, uiterlijk=TEKST, gepland_op=TEKST, gemeentecode=TEKST, oordeel=TEKST, reden=TEKST
                    )
                ),
                capaciteit=_lijst(_obj(regio=TEKST, gepland=GETAL, beschikbaar=GETAL, pct={"type": "number"})),
                gebeurtenissen=GETAL,
                dode_letters=GETAL,
            ),
        ),
        "/api/planning": _get(
            "Inspecties met planning en risico", "beheerder, operator, planner", _obj(inspecties=_lijst(VRIJ))
        ),
        "/api/zaken/{zaak_id}": {
            **_get(
                "Eén zaak: tijdlijn over alle diensten in causale volgorde, risico-opbouw, berekeningen, "
                "beleidsversies",
                "beheerder, operator, planner; gemeente alleen voor zaken in de eigen gemeente (anders 403)",
                _obj(
                    zaak=VRIJ,
                    tijdlijn=_lijst({"$ref": "#/components/schemas/Gebeurtenis"}),
                    risico=_lijst(VRIJ),
                    berekeningen=_lijst(VRIJ),
                    beleid=_lijst(TEKST),
                ),
                parameters=[{"name": "zaak_id", "in": "path", "required": True, "schema": TEKST}],
            )
        },
        "/api/vorderingen": _get(
            "Loonvorderingen: keten van partijen, wie nu aansprakelijk is en op welke grond, volgende termijn",
            "beheerder, operator",
            _obj(vorderingen=_lijst(VRIJ), vandaag=TEKST),
        ),
        "/api/huisvesting": _get(
            "Huisvestingscontroles en bevindingen per gemeente en regelcode",
            "beheerder, operator; gemeente alleen de eigen gemeente",
            _obj(controles=_lijst(VRIJ), bevindingen_per_gemeente=VRIJ),
        ),
        "/api/dode-letters": _get(
            "Elk DLQ-record met reden, en de replay-audit",
            "beheerder, operator",
            _obj(
                dode_letters=_lijst({"$ref": "#/components/schemas/DodeLetter"}),
                replays=_lijst(VRIJ),
                mag_replay={"type": "boolean"},
            ),
        ),
        "/api/dode-letters/replay": {
            "post": {
                "summary": "Alle dode letters ongewijzigd opnieuw op hun oorspronkelijke topic zetten (geaudit)",
                "description": "Rollen: beheerder.",
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": REPLAY_ANTWOORD}}},
                    **STANDAARD_FOUTEN,
                },
            }
        },
        "/api/dode-letters/{id}/replay": {
            "post": {
                "summary": "Eén dode letter ongewijzigd opnieuw op zijn oorspronkelijke topic zetten (geaudit)",
                "description": "Rollen: beheerder.",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": GETAL}],
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": REPLAY_ANTWOORD}}},
                    **STANDAARD_FOUTEN,
                },
            }
        },
        "/api/zoeken": _get(
            "Zoeken op zaak-id, KvK-nummer, referentie van melder/indiener, inspectie-, vordering- of contract-id, "
            "postcode",
            "alle; resultaten gefilterd per rol en gemeente",
            _obj(
                q=TEKST, zaken=_lijst(VRIJ), inspecties=_lijst(VRIJ), vorderingen=_lijst(VRIJ), huisvesting=_lijst(VRIJ)
            ),
            parameters=[{"name": "q", "in": "query", "required": True, "schema": TEKST}],
        ),
        "/api/stroom": {
            "get": {
                "summary": "Server-sent events: 'wijziging' met {volgnummer, dode_letters} bij elke nieuwe gebeurtenis",
                "description": "Rollen: alle.",
                "responses": {"200": {"description": "text/event-stream"}, "401": STANDAARD_FOUTEN["401"]},
            }
        },
    },
}
