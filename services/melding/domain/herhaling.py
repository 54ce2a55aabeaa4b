"""A report whose (melder.organisatie, melder.referentie) the system has seen before.

The Kafka inbox already drops a redelivery of the same event (same ce_id). This rule covers a
reporter's portal sending the report again as a new event (new ce_id):

- the same content: the same report. It is acknowledged again with the original zaak id and
  deadline, and has no other effect (no new case, no new deadline).
- different content: rejected. A reference names one report. Silently replacing a report an
  inspector may already act on would rewrite history, and treating it as a new report would give
  one reference two cases. The reporter sends the new report under a new reference.

"The same content" is compared on the kernel's canonical hash of the data
(`shared.feitsleutel.inhoud_hash`, the digest every service keeps of a partner's fact): key order
and whitespace do not matter, and an optional field sent as null equals the field left out (the
contract treats them alike). Everything else, including the order of list items, counts.
"""

from __future__ import annotations


def fouten_referentie_hergebruikt() -> list[dict[str, str]]:
    """The rejection's `fouten` for a reference reused with other content, in words the reporter can act on."""
    return [
        {
            "veld": "melder.referentie",
            "melding": "melder.referentie is al gebruikt voor een andere melding; gebruik een nieuwe referentie",
        }
    ]
