"""Seed 004's hierarchical permission rule, checked against its own table, for '.' and ':' scopes."""

import pytest

from shared.domain.identity import Principal, any_grants, permission_grants

# Rows: required permission; columns: the user's permission (seed 004's table, verbatim).
USER = ["imagery.availability", "imagery.availability.gbdx", "kraken", "imagery"]
TABLE = {
    "imagery.availability": [True, True, False, True],
    "imagery.availability.gbdx.idaho-pansharpened": [True, True, False, True],
    "imagery.availability.pl": [True, False, False, True],
    "imagery.images": [False, False, False, True],
    "imagery": [True, True, False, True],
}


@pytest.mark.parametrize("required", TABLE)
def test_seed_004_table(required):
    assert [permission_grants(user, required) for user in USER] == TABLE[required]


@pytest.mark.parametrize(
    ("granted", "required", "expected"),
    [
        ("passes", "passes:read", True),
        ("passes:read", "passes:read", True),
        ("bookings:create", "bookings:cancel", False),
        ("contacts", "contacts.view", True),
        ("contacts.view", "contacts.create", False),
        ("mission-profile:create", "mission-profile:create", True),
        ("spacecraft.view", "sites.view", False),
    ],
)
def test_colon_and_dot_scopes(granted, required, expected):
    assert permission_grants(granted, required) is expected


def test_principal_checks_every_scope_and_ignores_empty_ones():
    p = Principal(subject="a", scopes=("", "tle.view", "passes:read"))
    assert p.allows("passes:read") and p.allows("tle.view")
    assert not p.allows("tle.upload")
    assert not any_grants([""], "tle.view")
