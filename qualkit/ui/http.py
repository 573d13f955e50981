"""The app's own HTTP route, served beside Streamlit's (``app_server.py``, an ``st.App``).

``POST`` :data:`~qualkit.ui.remember.COOKIE_ROUTE` with a ticket from
:func:`qualkit.ui.remember.cookie_script` as the body answers with the ``Set-Cookie``
header that sets (or clears) the sign-in cookie: set by the server, the cookie can be
``HttpOnly``, so no script in the page can read it. ``Secure`` is added when the browser
reached the app over HTTPS (its ``Origin``, or the scheme a proxy reports).
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from qualkit.ui import remember

#: Longest request body read (a ticket is 43 characters).
MAX_BODY = 200


def served_over_https(request: Request) -> bool:
    origin = request.headers.get("origin", "")
    return origin.startswith("https://") or request.url.scheme == "https"


async def set_cookie(request: Request) -> Response:
    """Redeem a ticket: 204 with ``Set-Cookie``, or 403 (nothing set) for anything else."""
    no_store = {"Cache-Control": "no-store"}
    if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
        return Response(status_code=403, headers=no_store)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return Response(status_code=403, headers=no_store)
    ok, token = remember.TICKETS.redeem(body.decode("ascii", "replace"), time.monotonic())
    if not ok:
        return Response(status_code=403, headers=no_store)
    header = remember.cookie_header(token, secure=served_over_https(request))
    return Response(status_code=204, headers={**no_store, "Set-Cookie": header})


def routes() -> list[BaseRoute]:
    """The routes ``app_server.py`` adds to Streamlit's."""
    return [Route(remember.COOKIE_ROUTE, set_cookie, methods=["POST"])]


__all__ = ["routes", "set_cookie"]
