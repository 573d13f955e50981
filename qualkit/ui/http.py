"""The app's own HTTP routes, served beside Streamlit's (``qualkit/ui/entry/app_server.py``,
an ``st.App``).

``POST`` :data:`~qualkit.ui.remember.COOKIE_ROUTE` with a ticket from
:func:`qualkit.ui.remember.cookie_script` as the body answers with the ``Set-Cookie``
header that sets (or clears) the sign-in cookie: set by the server, the cookie can be
``HttpOnly``, so no script in the page can read it. ``Secure`` is added when the browser
reached the app over HTTPS (its ``Origin``, or the scheme a proxy reports in
``X-Forwarded-Proto``).

``GET`` :data:`HEALTH_ROUTE` answers 200 ``ok`` when the project database answers, 503
otherwise (for monitoring; Streamlit's own ``/_stcore/health`` says only that the server
runs).
"""

from __future__ import annotations

import os
import sys
import time
from functools import lru_cache

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from qualkit.errors import QualkitError
from qualkit.storage import Store
from qualkit.ui import remember

#: Monitoring: 200 when the app serves and its project database answers.
HEALTH_ROUTE = "/_qualkit/health"

#: Longest request body read (a ticket is 43 characters).
MAX_BODY = 200


def served_over_https(request: Request) -> bool:
    """Whether the browser reached the app over HTTPS (directly, or through a proxy that
    ended HTTPS and says so in ``X-Forwarded-Proto``)."""
    origin = request.headers.get("origin", "")
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return origin.startswith("https://") or request.url.scheme == "https" or proto == "https"


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


@lru_cache(maxsize=4)
def _store(target: str) -> Store:
    return Store.open(target, create=False)


def project_answers(target: str) -> str | None:
    """None when the project at ``target`` answers a query, else one line saying why not."""
    if not target:
        return "no project given (QUALKIT_PROJECT is not set)"
    try:
        _store(target).project()
    except QualkitError as e:
        _store.cache_clear()
        return str(e)
    except Exception as e:  # a dropped connection, a stopped server: report, never crash
        _store.cache_clear()
        return f"the project database did not answer ({type(e).__name__})"
    return None


async def health(_request: Request) -> Response:
    """200 ``ok`` when the project database answers; 503 and one line otherwise (also
    written to standard error, for the server's log)."""
    target = os.environ.get("QUALKIT_PROJECT", "").strip()
    problem = await run_in_threadpool(project_answers, target)
    headers = {"Cache-Control": "no-store"}
    if problem is None:
        return PlainTextResponse("ok", headers=headers)
    print(f"qualkit health: {problem}", file=sys.stderr, flush=True)
    return PlainTextResponse("unavailable", status_code=503, headers=headers)


def routes() -> list[BaseRoute]:
    """The routes ``qualkit/ui/entry/app_server.py`` adds to Streamlit's."""
    return [
        Route(remember.COOKIE_ROUTE, set_cookie, methods=["POST"]),
        Route(HEALTH_ROUTE, health, methods=["GET", "HEAD"]),
    ]


__all__ = ["HEALTH_ROUTE", "health", "project_answers", "routes", "set_cookie"]
