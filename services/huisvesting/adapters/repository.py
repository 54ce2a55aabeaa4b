"""SQL for housing contracts (huisvesting's own schema)."""

from __future__ import annotations

from datetime import date

from shared.contract.huisvesting import HuurcontractAangeboden
from shared.db import Conn


class HuisvestingRepository:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def bewaar(self, contract: HuurcontractAangeboden) -> None:
        await self.conn.execute(
            """INSERT INTO huurcontract (contract_referentie, postcode, huisnummer, gemeentecode, data)
               VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (contract_referentie) DO UPDATE SET postcode = excluded.postcode,
                 huisnummer = excluded.huisnummer, gemeentecode = excluded.gemeentecode, data = excluded.data""",
            contract.contract_referentie,
            contract.adres.postcode,
            contract.adres.huisnummer,
            contract.adres.gemeentecode,
            contract.model_dump_json(),
        )

    async def contract(self, referentie: str) -> tuple[HuurcontractAangeboden, list[str]] | None:
        row = await self.conn.fetchrow(
            "SELECT data, laatste_codes FROM huurcontract WHERE contract_referentie = $1 FOR UPDATE", referentie
        )
        if row is None:
            return None
        return HuurcontractAangeboden.model_validate_json(row["data"]), list(row["laatste_codes"])

    async def op_adres(self, postcode: str, huisnummer: str) -> list[str]:
        rows = await self.conn.fetch(
            "SELECT contract_referentie FROM huurcontract WHERE postcode = $1 AND huisnummer = $2 "
            "ORDER BY contract_referentie",
            postcode,
            huisnummer,
        )
        return [r["contract_referentie"] for r in rows]

    async def gecontroleerd(self, referentie: str, codes: list[str], op: date) -> None:
        await self.conn.execute(
            "UPDATE huurcontract SET laatste_codes = $2, laatste_controle = $3 WHERE contract_referentie = $1",
            referentie,
            codes,
            op,
        )
