"""SSA accounts (seed 002): ``POST /auth/register``, ``/auth/login``, ``/auth/refresh``."""

from __future__ import annotations

from functions.ssa_auth.logic import Accounts
from shared.adapters.dynamo.users import user_repository
from shared.domain.identity.accounts import LoginRequest, RefreshRequest, RegisterRequest, user_view
from shared.http import create_app

app = create_app("ssa", "Groundlink SSA accounts")


def accounts() -> Accounts:
    return Accounts(user_repository())


@app.post("/auth/register", status_code=201)
def register(body: RegisterRequest) -> dict:
    return user_view(accounts().register(body))


@app.post("/auth/login")
def login(body: LoginRequest) -> dict:
    return accounts().login(body)


@app.post("/auth/refresh")
def refresh(body: RefreshRequest) -> dict:
    return accounts().refresh(body.refresh_token)
