"""SSA accounts (seed 002 "Authentication Endpoints"): ``POST /auth/register``, ``/auth/login``,
``/auth/refresh``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, StringConstraints

from shared.domain.identity.accounts import Registration, User
from shared.domain.identity.service import AccessGrant, Accounts, Session
from shared.surfaces.openapi import error_responses
from shared.timefmt import iso_s
from shared.wiring.identity import accounts_service

router = APIRouter(tags=["Authentication"])


AccountsService = Annotated[Accounts, Depends(accounts_service)]


# --- requests -------------------------------------------------------------------------------------


class RegisterRequest(Registration):
    """email (3-100 characters, valid, unique), name (1-100, unique), password (8-128, with an uppercase
    letter, a lowercase letter, a number and a special character)."""


class LoginRequest(BaseModel):
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    # Bounded like a registered password: nothing longer can match, and the hash work stays bounded.
    password: Annotated[str, Field(min_length=1, max_length=128)]


class RefreshRequest(BaseModel):
    refresh_token: Annotated[str, Field(min_length=1, max_length=4096)]


# --- responses ------------------------------------------------------------------------------------


class RegisteredUser(BaseModel):
    id: int
    email: str
    name: str
    is_active: bool
    is_admin: bool
    is_staff: bool
    is_superuser: bool
    date_joined: str


class LoginUser(BaseModel):
    id: int
    email: str
    name: str
    is_active: bool
    is_admin: bool


class LoginResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    user: LoginUser


class RefreshResponse(BaseModel):
    access_token: str
    token_type: str
    expires_in: int


# --- views ----------------------------------------------------------------------------------------


def registered_user_view(user: User) -> RegisteredUser:
    return RegisteredUser(
        id=user.id, email=user.email, name=user.name, is_active=user.is_active, is_admin=user.is_admin,
        is_staff=user.is_staff, is_superuser=user.is_superuser, date_joined=iso_s(user.date_joined),
    )


def login_view(session: Session) -> LoginResponse:
    user = session.user
    return LoginResponse(
        access_token=session.access_token,
        refresh_token=session.refresh_token,
        token_type="bearer",
        expires_in=session.expires_in_s,
        user=LoginUser(id=user.id, email=user.email, name=user.name, is_active=user.is_active,
                       is_admin=user.is_admin),
    )


def refresh_view(grant: AccessGrant) -> RefreshResponse:
    return RefreshResponse(access_token=grant.access_token, token_type="bearer", expires_in=grant.expires_in_s)


# --- routes ---------------------------------------------------------------------------------------


@router.post("/auth/register", status_code=201, response_model=RegisteredUser, summary="Register User",
             operation_id="register_user", responses=error_responses("ssa", 400, 409, 422))
def register(body: RegisterRequest, accounts: AccountsService) -> RegisteredUser:
    return registered_user_view(accounts.register(body))


@router.post("/auth/login", response_model=LoginResponse, summary="Login", operation_id="login",
             description="After 5 failed logins for one account, or 20 from one client address, within 15 "
                         "minutes, every login for it (a correct password too) answers 429 with `Retry-After` "
                         "(seconds) for 15 minutes.",
             responses=error_responses("ssa", 401, 422, 429))
def login(body: LoginRequest, accounts: AccountsService, request: Request) -> LoginResponse:
    address = request.client.host if request.client else None
    return login_view(accounts.login(body.email, body.password, address))


@router.post("/auth/refresh", response_model=RefreshResponse, summary="Refresh Token", operation_id="refresh_token",
             responses=error_responses("ssa", 401, 422))
def refresh(body: RefreshRequest, accounts: AccountsService) -> RefreshResponse:
    return refresh_view(accounts.refresh(body.refresh_token))
