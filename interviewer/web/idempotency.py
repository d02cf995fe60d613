"""`Idempotency-Key` on the JSON API's POSTs, as payment APIs do: any retry is safe.

The first request with a key runs; its successful response is stored in the database and
sent again, as it was, for every repeat with the same body, from any process. A repeat with
a different body is refused (409); a repeat while the first still runs waits for it. A
failed attempt (a 4xx, a 503 from the model) is not stored, so its retry runs again, reusing
whatever the failed attempt created (the interview of a `POST /api/interviews`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Header, HTTPException
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from interviewer.storage import Store
from interviewer.storage.shared import Claimed, InProgress, KeyReused

KeyHeader = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$",
    description="Any unique string (a UUID): a repeat of this request with the same key and "
                "body returns the first response instead of acting again")]
WAIT_SECONDS = 60.0  # how long a repeat waits for the first request with its key
RUNNING_SECONDS = 120.0  # after this a request that never finished (its process died) is retried
Run = Callable[[Claimed], Awaitable[tuple[int, BaseModel]]]


def _claim(store: Store, scope: str, key: str, digest: str) -> Claimed | JSONResponse | None:
    try:
        claim = store.idempotency.begin(scope, key, digest, ttl=RUNNING_SECONDS)
    except KeyReused as exc:
        raise HTTPException(409, str(exc)) from None  # as payment APIs answer a reused key
    except InProgress:
        return None
    if isinstance(claim, Claimed):
        return claim
    return JSONResponse(json.loads(claim.body), claim.status_code,
                        headers={"Idempotent-Replayed": "true"})


async def once(store: Store, scope: str, key: str | None, body: BaseModel, run: Run
               ) -> Response:
    """Run the request unless its key has already succeeded; the response either way."""
    if key is None:
        status_code, result = await run(Claimed("", None))
        return _json(result.model_dump_json(), status_code)
    digest = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    deadline = time.monotonic() + WAIT_SECONDS
    while (claim := await store.run(_claim, store, scope, key, digest)) is None:
        if time.monotonic() > deadline:
            raise HTTPException(409, "a request with this Idempotency-Key is still running; "
                                     "retry it in a moment")
        await asyncio.sleep(0.05)
    if isinstance(claim, JSONResponse):
        return claim
    try:
        status_code, result = await run(claim)
    except BaseException:
        await store.run(store.idempotency.abandon, scope, key, claim.holder)
        raise
    body = result.model_dump_json()
    await store.run(store.idempotency.complete, scope, key, claim.holder, status_code, body)
    return _json(body, status_code)


def _json(body: str, status_code: int) -> Response:
    """The model's JSON as pydantic wrote it: JSONResponse would have it dumped to dicts and
    encoded again by `json`, twice the work on every answer for the same bytes."""
    return Response(body, status_code, media_type="application/json")
