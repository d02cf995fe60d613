"""Whose interviews the operator's CLI means: `--owner NAME` to an owner id, and back.

The CLI runs on the database's machine for whoever holds the file, so it may read every
interview, as `backup` copies every one; the web app and the API show each caller only
their own. Naming an owner lets the operator act for one person and be refused the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.identity.accounts import Accounts
from interviewer.storage import LOCAL_OWNER, Record, Store


class UnknownOwner(LookupError):
    """No account has the name given."""


def owner_id(store: Store, name: str) -> str:
    """The owner id behind `local` or an account's username, or UnknownOwner saying so."""
    if name.strip().lower() == LOCAL_OWNER:
        return LOCAL_OWNER
    account = Accounts(store).by_username(name)
    if account is None:
        raise UnknownOwner(f"no account is named {name!r}; `interviewer history` lists "
                           "every interview with its owner")
    return account.owner_id


def owner_name(store: Store, owner: str) -> str:
    """How the CLI shows an owner: `local`, the account's username, or `anonymous` for a
    browser that never signed up."""
    if owner == LOCAL_OWNER:
        return LOCAL_OWNER
    account = Accounts(store).account(owner)
    return account.username if account else "anonymous"


def load_for(store: Store, interview_id: str, name: str | None) -> Record:
    """The interview, when `name` (if given) owns it: NotFound otherwise, and UnknownOwner
    when no account has that name."""
    return store.load(interview_id, None if name is None else owner_id(store, name))


@dataclass(frozen=True)
class Row:
    id: str
    created_at: str
    owner: str
    status: str
    model: str
    questions: int


def history(store: Store, name: str | None = None, limit: int = 20) -> list[Row]:
    """The newest interviews, every owner's unless `name` names one."""
    owner = None if name is None else owner_id(store, name)
    return [Row(r.id, r.created_at, owner_name(store, r.owner), r.status, r.model,
                len(r.state.plan.question_ids))
            for r in store.list_recent(limit, owner=owner)]
