"""Identity: who is calling (``Principal``), what they may do (seed 004's permission rule) and what they
may see (the one ownership rule); SSA accounts and API tokens (``service``), with their ports."""

from shared.domain.identity.principal import Principal, PrincipalKind, any_grants, permission_grants

__all__ = ["Principal", "PrincipalKind", "any_grants", "permission_grants"]
