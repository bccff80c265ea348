"""Deployment spec of the JWT signing-key rotation function (Secrets Manager rotation; no HTTP routes)."""

from shared.resources import FunctionSpec

SPEC = FunctionSpec(
    name="jwt_key_rotation",
    surface="admin",
    description="Secrets Manager rotation of the JWT signing key: a new AWSCURRENT, the old key kept as AWSPREVIOUS",
    needs_jwt_secret=True,  # the key's ARN; the rotation schedule grants the rotation actions on it
    timeout_s=60,
)
