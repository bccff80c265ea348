"""Accounts, API tokens, OAuth clients and mission profiles, assembled with their DynamoDB, argon2id and JWT
adapters."""

from __future__ import annotations

from shared.domain.identity.service import Accounts, ApiTokens, LoginThrottle, OAuthClients
from shared.domain.profiles.service import MissionProfiles


def login_throttle() -> LoginThrottle:
    from shared.adapters.dynamo.identity import login_counter_store

    return LoginThrottle(login_counter_store())


def accounts_service() -> Accounts:
    from shared.adapters.dynamo.users import user_repository
    from shared.adapters.passwords import Argon2PasswordHasher
    from shared.auth import JwtTokenIssuer

    return Accounts(user_repository(), Argon2PasswordHasher(), JwtTokenIssuer(), throttle=login_throttle())


def api_tokens_service() -> ApiTokens:
    from shared.auth import api_tokens

    return api_tokens()


def oauth_clients_service() -> OAuthClients:
    from shared.adapters.dynamo.identity import oauth_client_store
    from shared.auth import ApiTokenDigests, JwtClientTokenIssuer

    return OAuthClients(oauth_client_store(), ApiTokenDigests(), JwtClientTokenIssuer())


def profiles_service() -> MissionProfiles:
    from shared.adapters.dynamo.catalog import catalog_repository
    from shared.adapters.dynamo.profiles import profiles_repository

    return MissionProfiles(profiles_repository(), catalog_repository())
