"""SSA accounts (seed 002): register, log in, refresh. No HTTP here; errors are domain exceptions."""

from __future__ import annotations

from functions.ssa_auth.passwords import burn_verification, hash_password, verify_password
from shared.adapters.dynamo.users import UserRepository
from shared.auth import decode_jwt, issue_jwt
from shared.domain.errors import NotAuthenticated
from shared.domain.identity.accounts import LoginRequest, RegisterRequest, User, login_user_view
from shared.settings import get_settings
from shared.timefmt import utcnow

INVALID_CREDENTIALS = "Invalid credentials"
USER_SUBJECT_PREFIX = "user-"


def _access_token(user: User) -> str:
    return issue_jwt(user.subject, user.scopes, token_type="access", kind="user", extra={"uid": user.id})


class Accounts:
    def __init__(self, repo: UserRepository) -> None:
        self.repo = repo

    def register(self, req: RegisterRequest) -> User:
        user = User(
            id=0,
            email=req.email,
            name=req.name,
            password_hash=hash_password(req.password),
            date_joined=utcnow().replace(microsecond=0),
        )
        return self.repo.create_user(user)

    def login(self, req: LoginRequest) -> dict:
        user = self.repo.find_by_email(req.email)
        if user is None:
            burn_verification(req.password)
            raise NotAuthenticated(INVALID_CREDENTIALS)
        if not verify_password(req.password, user.password_hash) or not user.is_active:
            raise NotAuthenticated(INVALID_CREDENTIALS)
        return {
            "access_token": _access_token(user),
            "refresh_token": issue_jwt(user.subject, (), token_type="refresh", kind="user", extra={"uid": user.id}),
            "token_type": "bearer",
            "expires_in": get_settings().access_token_ttl_s,
            "user": login_user_view(user),
        }

    def refresh(self, refresh_token: str) -> dict:
        claims = decode_jwt(refresh_token, token_type="refresh")  # 401 when expired, forged or an access token
        subject = str(claims.get("sub", ""))
        user_id = subject.removeprefix(USER_SUBJECT_PREFIX)
        if not subject.startswith(USER_SUBJECT_PREFIX) or not user_id.isdigit() or len(user_id) > 18:
            raise NotAuthenticated("the refresh token was not issued to a user")
        user = self.repo.get_user(int(user_id))
        if user is None or not user.is_active:
            raise NotAuthenticated("the user account no longer exists or is inactive")
        # Scopes come from the user's current record, not from the old token.
        return {"access_token": _access_token(user), "token_type": "bearer",
                "expires_in": get_settings().access_token_ttl_s}
