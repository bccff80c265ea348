"""Accounts, API tokens and mission profiles, assembled with their DynamoDB, scrypt and JWT adapters."""

from __future__ import annotations

from shared.domain.identity.service import Accounts, ApiTokens
from shared.domain.profiles.service import MissionProfiles


def accounts_service() -> Accounts:
    from shared.adapters.dynamo.users import user_repository
    from shared.adapters.passwords import ScryptPasswordHasher
    from shared.auth import JwtTokenIssuer

    return Accounts(user_repository(), ScryptPasswordHasher(), JwtTokenIssuer())


def api_tokens_service() -> ApiTokens:
    from shared.auth import api_tokens

    return api_tokens()


def profiles_service() -> MissionProfiles:
    from shared.adapters.dynamo.catalog import catalog_repository
    from shared.adapters.dynamo.profiles import profiles_repository

    return MissionProfiles(profiles_repository(), catalog_repository())
