"""Sign up, sign in, sign out, the account page (API tokens, export, deletion), and the
JSON export. Forms post and redirect, so all of it works without JavaScript."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from interviewer.identity.accounts import Accounts, BadTokenName, Throttled
from interviewer.identity.credentials import MIN_PASSWORD, BadCredentials
from interviewer.identity.export import export_owner
from interviewer.web import csrf
from interviewer.web.api import ErrorOut
from interviewer.web.auth import ApiCaller, Caller, PageCaller, clear_session, set_session
from interviewer.web.deps import ServiceDep
from interviewer.web.limits import require_json
from interviewer.web.pages import render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["your data"])
ACCOUNTS_OFF = ("Accounts are off: this server runs for one person on this machine, who needs "
                "no sign-in. Set INTERVIEWER_AUTH=accounts to turn them on.")


def _accounts(request: Request) -> Accounts:
    if request.app.state.auth_mode != "accounts":
        raise HTTPException(404, ACCOUNTS_OFF)
    return request.app.state.accounts


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _claimable(service: ServiceDep, caller: Caller) -> int:
    """How many interviews this browser practised anonymously, to offer to keep them."""
    return 0 if caller.signed_in else service.store.count_owned(caller.owner_id)


def _form_page(request: Request, name: str, service: ServiceDep, caller: Caller,
               error: str | None = None, username: str = "", status_code: int = 200,
               headers: dict[str, str] | None = None) -> HTMLResponse:
    context = {"error": error, "username": username, "min_password": MIN_PASSWORD,
               "claimable": _claimable(service, caller)}
    response = render(request, name, context, status_code)
    response.headers.update(headers or {})
    return response


def _start_session(request: Request, accounts: Accounts, caller: Caller, owner_id: str) -> None:
    """A new session id at every sign-in (the old cookie, if stolen, opens nothing)."""
    if caller.session:
        accounts.end_session(caller.session)
    set_session(request, "session", accounts.new_session(owner_id))


@router.get("/signup", response_class=HTMLResponse)
async def signup_page(request: Request, service: ServiceDep, caller: PageCaller
                      ) -> HTMLResponse:
    _accounts(request)
    return _form_page(request, "signup.html", service, caller)


@router.post("/signup")
async def signup(request: Request, service: ServiceDep, caller: PageCaller,
                 csrf_token: Annotated[str, Form()] = "", username: Annotated[str, Form()] = "",
                 password: Annotated[str, Form()] = "", keep: Annotated[str, Form()] = "",
                 ) -> Response:
    accounts = _accounts(request)
    csrf.verify(request, csrf_token)
    claim = caller.owner_id if keep == "1" and not caller.signed_in else None
    try:  # argon2 takes tens of milliseconds of CPU: keep it off the event loop
        account = await run_in_threadpool(accounts.sign_up, username, password, claim)
    except BadCredentials as exc:
        return _form_page(request, "signup.html", service, caller, _sentence(exc), username, 422)
    _start_session(request, accounts, caller, account.owner_id)
    return _see_other("/account")


@router.get("/signin", response_class=HTMLResponse)
async def signin_page(request: Request, service: ServiceDep, caller: PageCaller
                      ) -> HTMLResponse:
    _accounts(request)
    return _form_page(request, "signin.html", service, caller)


@router.post("/signin")
async def signin(request: Request, service: ServiceDep, caller: PageCaller,
                 csrf_token: Annotated[str, Form()] = "", username: Annotated[str, Form()] = "",
                 password: Annotated[str, Form()] = "", keep: Annotated[str, Form()] = "",
                 ) -> Response:
    accounts = _accounts(request)
    csrf.verify(request, csrf_token)
    address = request.client.host if request.client else "unknown"
    try:
        account = await run_in_threadpool(accounts.sign_in, username, password, address)
    except Throttled as exc:
        return _form_page(request, "signin.html", service, caller, _sentence(exc), username,
                          429, {"Retry-After": str(exc.retry_after)})
    except BadCredentials as exc:
        return _form_page(request, "signin.html", service, caller, _sentence(exc), username, 401)
    if keep == "1" and not caller.signed_in:
        await run_in_threadpool(service.store.move_owned, caller.owner_id, account.owner_id)
    _start_session(request, accounts, caller, account.owner_id)
    return _see_other("/history")


@router.post("/signout")
async def signout(request: Request, caller: PageCaller,
                  csrf_token: Annotated[str, Form()] = "") -> Response:
    csrf.verify(request, csrf_token)
    if caller.session:
        request.app.state.accounts.end_session(caller.session)
    clear_session(request)
    return _see_other("/")


def _account_page(request: Request, accounts: Accounts, caller: Caller,
                  new_token: str | None = None, error: str | None = None,
                  status_code: int = 200, notice: str | None = None,
                  token_name: str = "") -> Response:
    account = accounts.account(caller.owner_id) if caller.signed_in else None
    if account is None:
        return _see_other("/signin")
    context: dict[str, Any] = {"account": account, "tokens": accounts.tokens(caller.owner_id),
                               "new_token": new_token, "error": error, "notice": notice,
                               "min_password": MIN_PASSWORD, "token_name": token_name}
    return render(request, "account.html", context, status_code)


async def _own_account(accounts: Accounts, caller: Caller) -> Any:
    """The signed-in caller's account, looked up in a thread (never on the event loop)."""
    if not caller.signed_in:
        return None
    return await run_in_threadpool(accounts.account, caller.owner_id)


@router.get("/account")
def account_page(request: Request, caller: PageCaller) -> Response:
    return _account_page(request, _accounts(request), caller)


@router.post("/account/tokens")
def create_token(request: Request, caller: PageCaller,
                 csrf_token: Annotated[str, Form()] = "",
                 name: Annotated[str, Form()] = "") -> Response:
    accounts = _accounts(request)
    csrf.verify(request, csrf_token)
    if not caller.signed_in:
        return _see_other("/signin")
    try:
        _, secret = accounts.create_token(caller.owner_id, name)
    except BadTokenName as exc:  # refused whole, and the name stays in its box
        return _account_page(request, accounts, caller, error=_sentence(exc), status_code=422,
                             token_name=name)
    response = _account_page(request, accounts, caller, new_token=secret)
    response.headers["Cache-Control"] = "no-store"  # the token is shown once, never cached
    return response


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: str, caller: PageCaller,
                 csrf_token: Annotated[str, Form()] = "") -> Response:
    accounts = _accounts(request)
    csrf.verify(request, csrf_token)
    if not caller.signed_in or not accounts.revoke_token(caller.owner_id, token_id):
        raise HTTPException(404, "There is no such token on your account.")
    return _see_other("/account")


@router.post("/account/password")
async def change_password(request: Request, caller: PageCaller,
                          csrf_token: Annotated[str, Form()] = "",
                          current_password: Annotated[str, Form()] = "",
                          new_password: Annotated[str, Form()] = "") -> Response:
    """A new password, once the current one confirms it; every other session ends."""
    accounts = _accounts(request)
    csrf.verify(request, csrf_token)
    if not caller.signed_in or await run_in_threadpool(accounts.account, caller.owner_id) is None:
        return _see_other("/signin")
    address = request.client.host if request.client else "unknown"
    try:
        await run_in_threadpool(accounts.change_password, caller.owner_id, current_password,
                                new_password, address, caller.session)
    except (BadCredentials, Throttled) as exc:
        message = "The password was not changed: " + str(exc)
        return await run_in_threadpool(_account_page, request, accounts, caller, error=message,
                                       status_code=422)
    return await run_in_threadpool(
        _account_page, request, accounts, caller,
        notice="Your password is changed, and every other browser signed in to this account "
               "is signed out.")


class DeleteAccountBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=1, max_length=1024,
                          description="your password, to confirm, as on the account page")


_DELETE_ERRORS = {400: "unreadable body", 401: "no valid API token or session",
                  403: "the password does not match",
                  404: "accounts are off on this server", 415: "body is not JSON",
                  422: "invalid input", 429: "too many failed confirmations"}


@api_router.delete("/account", status_code=204, dependencies=[Depends(require_json)],
                   responses={code: {"model": ErrorOut, "description": meaning}
                              for code, meaning in _DELETE_ERRORS.items()})
async def delete_account_api(request: Request, body: DeleteAccountBody, caller: ApiCaller
                             ) -> Response:
    """Delete your account and all its data (interviews, answers, grades, calibration runs,
    sessions, tokens) for good, once your password confirms it, as the account page does."""
    accounts = _accounts(request)
    account = await _own_account(accounts, caller)
    if account is None:
        raise HTTPException(401, "sign in first: send 'Authorization: Bearer <token>' with a "
                                 "token from your account page")
    address = request.client.host if request.client else "unknown"
    try:
        await run_in_threadpool(accounts.sign_in, account.username, body.password, address)
    except Throttled as exc:
        raise HTTPException(429, "The account was not deleted: " + str(exc),
                            headers={"Retry-After": str(exc.retry_after)}) from None
    except BadCredentials as exc:
        raise HTTPException(403, "The account was not deleted: " + str(exc)) from None
    await run_in_threadpool(accounts.delete_account, account.owner_id)
    return Response(status_code=204)


@router.post("/account/delete")
async def delete_account(request: Request, caller: PageCaller,
                         csrf_token: Annotated[str, Form()] = "",
                         password: Annotated[str, Form()] = "") -> Response:
    """Delete the account and all its data, once its password confirms it."""
    accounts = _accounts(request)
    csrf.verify(request, csrf_token)
    account = await _own_account(accounts, caller)
    if account is None:
        return _see_other("/signin")
    address = request.client.host if request.client else "unknown"
    try:
        await run_in_threadpool(accounts.sign_in, account.username, password, address)
    except (BadCredentials, Throttled) as exc:
        message = "The account was not deleted: " + str(exc)
        return await run_in_threadpool(_account_page, request, accounts, caller, error=message,
                                       status_code=422)
    await run_in_threadpool(accounts.delete_account, account.owner_id)
    clear_session(request)
    return _see_other("/?deleted=1")


def _download(data: dict[str, Any]) -> JSONResponse:
    return JSONResponse(data, headers={
        "Content-Disposition": 'attachment; filename="platform-pm-interviews.json"',
        "Cache-Control": "no-store"})


@router.get("/account/export")
def export_page(request: Request, service: ServiceDep, caller: PageCaller
                ) -> JSONResponse:
    """All of this browser's data (or the account's) as one JSON file."""
    return _download(export_owner(service.store, request.app.state.accounts, caller.owner_id))


@api_router.get("/export", responses={401: {"description": "no valid API token or session"}})
def export_api(request: Request, service: ServiceDep, caller: ApiCaller
               ) -> dict[str, Any]:
    """Everything you have here: your account, every interview with its answers and grades,
    and your calibration runs."""
    return export_owner(service.store, request.app.state.accounts, caller.owner_id)


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
