"""Security headers on every answer, and a cross-site request check that does not depend on how a user logged in.

A request that changes something (any method but GET, HEAD, OPTIONS) is refused with 403 when the
browser says it comes from another site: an `Origin` that is not the console's own (its Host, or
one of `CONSOLE_ORIGINS`), or, without `Origin`, `Sec-Fetch-Site: cross-site`. This holds for the
session cookie and for HTTP Basic alike; requests on a session also carry the session's CSRF
token (checked in `app.py`). Clients that are not browsers send neither header and are not affected.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

VEILIGE_METHODES = frozenset({"GET", "HEAD", "OPTIONS"})
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
KOPPEN = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make Chromium post `Origin: null`
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


def zelfde_herkomst(headers: Headers, toegestaan: frozenset[str]) -> bool:
    """Does this request come from the console's own pages (or from a client that is not a browser)?"""
    herkomst = headers.get("origin")
    if herkomst is not None:
        if herkomst.rstrip("/") in toegestaan:
            return True
        delen = urlsplit(herkomst)
        return bool(delen.netloc) and delen.netloc == headers.get("host")
    return headers.get("sec-fetch-site") not in ("cross-site", "same-site")


class BeveiligingsKoppen:
    """Pure ASGI middleware (server-sent events stream through it unchanged)."""

    def __init__(self, app: ASGIApp, toegestaan: frozenset[str] = frozenset()) -> None:
        self.app, self.toegestaan = app, toegestaan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        statisch = str(scope.get("path", "")).startswith("/static/")

        async def met_koppen(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"cache-control"]
                headers += KOPPEN
                # Every page and API answer may hold personal data: never stored by a browser or proxy.
                headers.append((b"cache-control", b"public, max-age=3600" if statisch else b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        if scope["method"] not in VEILIGE_METHODES and not zelfde_herkomst(Headers(scope=scope), self.toegestaan):
            body = json.dumps({"fout": "verzoek van een andere site geweigerd"}).encode()
            await met_koppen(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, met_koppen)
