"""SSA accounts (seed 002): register → login → use → refresh, uniqueness under concurrency, password
rules, identical answers for unknown emails and wrong passwords."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from functions.ssa_auth.app import app
from functions.ssa_core.app import app as core_app
from shared.adapters.dynamo.users import user_repository
from shared.adapters.passwords import hash_password_scrypt
from shared.auth import decode_jwt
from shared.aws import client as aws_client

client = TestClient(app, raise_server_exceptions=False)
core = TestClient(core_app, raise_server_exceptions=False)

PASSWORD = "P@ssw0rd!Strong"


def register(email="john@example.com", name="John Doe", password=PASSWORD):
    return client.post("/auth/register", json={"email": email, "name": name, "password": password})


def login(email="john@example.com", password=PASSWORD):
    return client.post("/auth/login", json={"email": email, "password": password})


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_register_login_use_refresh(aws):
    # Given a registration in seed 002's shape
    r = register()
    assert r.status_code == 201
    body = r.json()
    assert body == {"id": body["id"], "email": "john@example.com", "name": "John Doe", "is_active": True,
                    "is_admin": False, "is_staff": False, "is_superuser": False, "date_joined": body["date_joined"]}
    assert isinstance(body["id"], int) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["date_joined"])
    # When the user logs in (email in another case)
    r = login(email="JOHN@example.com")
    assert r.status_code == 200
    tokens = r.json()
    assert set(tokens) == {"access_token", "refresh_token", "token_type", "expires_in", "user"}
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 3600
    assert tokens["user"] == {"id": body["id"], "email": "john@example.com", "name": "John Doe", "is_active": True,
                              "is_admin": False}
    claims = decode_jwt(tokens["access_token"])
    assert claims["sub"] == f"user-{body['id']}" and claims["scope"] == "ssa" and claims["exp"] - claims["iat"] == 3600
    # Then the access token opens the SSA API
    health = core.get("/health", headers=auth(tokens["access_token"]))
    assert health.status_code == 200 and health.json()["status"] == "healthy"
    # And the refresh token gives a new, working access token
    r = client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200
    refreshed = r.json()
    assert set(refreshed) == {"access_token", "token_type", "expires_in"}
    assert refreshed["token_type"] == "bearer" and refreshed["expires_in"] == 3600
    assert refreshed["access_token"] != tokens["access_token"]
    assert core.get("/", headers=auth(refreshed["access_token"])).json()["status"] == "healthy"


def test_password_hash_is_stored_never_returned(aws):
    r = register()
    assert "password" not in r.text and "scrypt" not in r.text
    user = user_repository().get_user(r.json()["id"])
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and PASSWORD not in user.password_hash
    assert "password_hash" not in repr(user)
    assert "scrypt" not in login().text and "argon2" not in login().text


def test_a_scrypt_hash_still_logs_in_and_is_rehashed_with_argon2id(aws):
    # Given a user whose password was stored before argon2id (scrypt)
    user_id = register().json()["id"]
    user_repository().set_password_hash(user_id, hash_password_scrypt(PASSWORD))
    # When they log in with the right password, it works, and the stored hash is now argon2id
    r = login()
    assert r.status_code == 200 and r.json()["user"]["id"] == user_id
    stored = user_repository().get_user(user_id).password_hash
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert login().status_code == 200
    # A wrong password never re-hashes
    user_repository().set_password_hash(user_id, old := hash_password_scrypt(PASSWORD))
    assert login(password="Wr0ng!password").status_code == 401
    assert user_repository().get_user(user_id).password_hash == old


def test_failed_logins_lock_the_account_out_with_429_and_retry_after(aws):
    register()
    for _ in range(5):  # five failures answer 401
        r = login(password="Wr0ng!password")
        assert (r.status_code, r.json()) == (401, {"detail": "Invalid credentials", "status_code": 401})
    # then even the right password answers 429 in SSA's format, with Retry-After, until the cool-down ends
    for password in ("Wr0ng!password", PASSWORD):
        r = login(password=password)
        assert r.status_code == 429
        assert 0 < int(r.headers["Retry-After"]) <= 900
        body = r.json()
        assert set(body) == {"detail", "status_code"} and body["status_code"] == 429
        assert body["detail"].startswith("too many failed logins: try again in ")
    # another account is not locked (the address limit is higher)
    register("ada@example.com", "Ada")
    assert login("ada@example.com").status_code == 200
    # the counter lives in the identity table with its TTL attribute
    item = aws_client("dynamodb").get_item(
        TableName="groundlink-identity", Key={"pk": {"S": "LOGINFAIL#account:john@example.com"}, "sk": {"S": "COUNTER"}}
    )["Item"]
    assert int(item["count"]["N"]) >= 5 and int(item["expires_at"]["N"]) == int(item["locked_until"]["N"])


def test_failed_logins_from_one_address_lock_that_address_out(aws):
    for i in range(20):  # twenty different (unknown) accounts from one address
        assert login(f"nobody{i}@example.com").status_code == 401
    register()
    r = login()
    assert r.status_code == 429 and "Retry-After" in r.headers
    assert r.json()["status_code"] == 429


def test_a_successful_login_clears_the_account_counter(aws):
    register()
    for _ in range(4):
        assert login(password="Wr0ng!password").status_code == 401
    assert login().status_code == 200
    for _ in range(4):  # four more: a counter not cleared by the success would reach the lock-out at five
        wrong = login(password="Wr0ng!password")
        assert wrong.status_code == 401 and "Retry-After" not in wrong.headers
    ok = login()
    assert ok.status_code == 200 and ok.json()["token_type"] == "bearer" and ok.json()["access_token"]


@pytest.mark.parametrize(
    ("email", "name", "taken"),
    [
        ("JOHN@EXAMPLE.COM", "Someone Else", "email"),
        ("other@example.com", "john doe", "name"),
    ],
)
def test_taken_email_or_name_is_409_case_insensitively(aws, email, name, taken):
    assert register().status_code == 201
    r = register(email=email, name=name)
    assert r.status_code == 409
    assert r.json() == {"detail": f"a user with this {taken} already exists", "status_code": 409}
    # the failed attempt left nothing behind: the other value is still free
    free = {"email": "fresh@example.com", "name": "Fresh"}
    if taken == "email":
        free["name"] = name
    else:
        free["email"] = email
    assert register(**free).status_code == 201


@pytest.fixture
def atomic_dynamodb(monkeypatch):
    """In-process moto applies a request in several steps without a lock; DynamoDB applies each request
    atomically. Serialising moto's DynamoDB actions restores that guarantee (as the local runtime's
    moto server does, see ``infra.local.emulation``)."""
    import threading

    from moto.dynamodb.responses import DynamoHandler

    lock = threading.Lock()
    original = DynamoHandler.call_action

    def atomic(self):
        with lock:
            return original(self)

    monkeypatch.setattr(DynamoHandler, "call_action", atomic)


def test_twenty_concurrent_registrations_of_one_email_make_one_user(aws, atomic_dynamodb):
    def attempt(i: int):
        return register(email="race@example.com", name=f"Racer {i}")

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(attempt, range(20)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 19
    assert all(r.json() == {"detail": "a user with this email already exists", "status_code": 409}
               for r in responses if r.status_code == 409)
    winner = next(r.json() for r in responses if r.status_code == 201)
    assert login(email="race@example.com").json()["user"]["name"] == winner["name"]
    items = aws_client("dynamodb").scan(TableName="groundlink-identity")["Items"]
    assert sum(1 for i in items if i["pk"]["S"].startswith("USER#")) == 1


def test_both_taken_names_the_email(aws):
    register()
    assert register().json() == {"detail": "a user with this email already exists", "status_code": 409}


def test_ids_are_distinct_integers(aws):
    ids = [register(email=f"u{i}@example.com", name=f"U{i}").json()["id"] for i in range(3)]
    assert len(set(ids)) == 3 and ids == sorted(ids)


@pytest.mark.parametrize(
    ("password", "msg"),
    [
        ("Sh0rt!", "at least 8 characters"),
        ("P@ssw0rd" + "x" * 121, "at most 128 characters"),
        ("p@ssw0rd!", "one uppercase letter"),
        ("P@SSW0RD!", "one lowercase letter"),
        ("P@ssword!", "one number"),
        ("Passw0rdStrong", "one special character"),
    ],
)
def test_each_password_rule_is_a_422_naming_password(aws, password, msg):
    r = register(password=password)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert len(detail) == 1 and detail[0]["loc"] == ["body", "password"] and msg in detail[0]["msg"]
    assert set(detail[0]) == {"loc", "msg", "type"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "name": "N", "password": PASSWORD}, "email"),
        ({"email": "a@b", "name": "N", "password": PASSWORD}, "email"),
        ({"email": "x" * 95 + "@ex.com", "name": "N", "password": PASSWORD}, "email"),
        ({"email": "n@example.com", "name": "", "password": PASSWORD}, "name"),
        ({"email": "n@example.com", "name": "   ", "password": PASSWORD}, "name"),
        ({"email": "n@example.com", "name": "x" * 101, "password": PASSWORD}, "name"),
        ({"email": "n@example.com", "password": PASSWORD}, "name"),
    ],
)
def test_invalid_email_or_name_is_a_422_naming_it(aws, body, field):
    r = client.post("/auth/register", json=body)
    assert r.status_code == 422
    assert [d["loc"] for d in r.json()["detail"]] == [["body", field]]


def test_wrong_password_and_unknown_email_answer_identically(aws):
    register()
    wrong = login(password="Wr0ng!password")
    unknown = login(email="nobody@example.com")
    expected = {"detail": "Invalid credentials", "status_code": 401}
    assert (wrong.status_code, wrong.json()) == (401, expected)
    assert (unknown.status_code, unknown.json()) == (401, expected)
    assert set(wrong.headers) == set(unknown.headers)


def test_inactive_user_cannot_log_in_or_refresh(aws):
    user_id = register().json()["id"]
    tokens = login().json()
    user_repository().set_active(user_id, False)
    assert login().json() == {"detail": "Invalid credentials", "status_code": 401}
    r = client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.json() == {"detail": "the user account no longer exists or is inactive", "status_code": 401}


def test_a_deactivated_or_deleted_users_access_token_is_refused_within_the_check_period(aws, monkeypatch):
    # Given a logged-in user whose token works, and a clock the account check reads
    from functions.ssa_catalog.app import app as catalog_app
    from shared.auth import ACCOUNT_CHECK, ACCOUNT_CHECK_TTL_S, issue_jwt

    now = [1000.0]
    monkeypatch.setattr(ACCOUNT_CHECK, "clock", lambda: now[0])
    catalog = TestClient(catalog_app, raise_server_exceptions=False)
    user_id = register().json()["id"]
    token = login().json()["access_token"]
    assert catalog.get("/v1/satellites/", headers=auth(token)).status_code == 200
    # When the account is deactivated
    user_repository().set_active(user_id, False)
    # Then the token keeps working at most until the remembered answer is ACCOUNT_CHECK_TTL_S old (< 60 s)
    now[0] += ACCOUNT_CHECK_TTL_S - 1
    assert catalog.get("/v1/satellites/", headers=auth(token)).status_code == 200
    now[0] += 1
    gone = {"detail": "the user account no longer exists or is inactive", "status_code": 401}
    for app_client, path in ((catalog, "/v1/satellites/"), (core, "/")):
        r = app_client.get(path, headers=auth(token))
        assert (r.status_code, r.json()) == (401, gone)
    assert ACCOUNT_CHECK_TTL_S < 60
    # And an access token for an account that does not exist (deleted) is refused at once
    ghost = issue_jwt(f"user-{user_id + 100}", ["ssa"], kind="user", extra={"uid": user_id + 100})
    r = catalog.get("/v1/satellites/", headers=auth(ghost))
    assert (r.status_code, r.json()) == (401, gone)


def test_the_account_check_is_one_lookup_per_user_and_period():
    from shared.auth import AccountCheck
    from shared.domain.identity.accounts import User

    class Store:
        calls = 0

        def get_user(self, user_id):
            Store.calls += 1
            return User(id=user_id, email="a@example.com", name="A", password_hash="x",
                        date_joined="2026-04-01T00:00:00Z")

    now = [0.0]
    check = AccountCheck(30.0, store=Store, clock=lambda: now[0], max_entries=2)
    assert all(check.is_active(7) for _ in range(50)) and Store.calls == 1
    now[0] = 30.0
    assert check.is_active(7) and Store.calls == 2
    check.is_active(8), check.is_active(9)  # past max_entries the memory starts afresh
    assert check.is_active(7) and Store.calls == 5


def test_refresh_rejects_access_tokens_and_garbage(aws):
    register()
    tokens = login().json()
    r = client.post("/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert r.json() == {"detail": "a refresh token is required", "status_code": 401}
    r = client.post("/auth/refresh", json={"refresh_token": "not.a.jwt"})
    assert r.status_code == 401 and r.json()["detail"].startswith("the token is invalid")
    r = client.post("/auth/refresh", json={})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "refresh_token"]
    # a refresh token is not an access token either
    r = core.get("/health", headers=auth(tokens["refresh_token"]))
    assert r.status_code == 401 and r.json()["detail"].endswith("access token is required")


def test_expired_refresh_token_is_401(aws):
    from shared.auth import issue_jwt

    user_id = register().json()["id"]
    expired = issue_jwt(f"user-{user_id}", token_type="refresh", ttl_s=-10)
    r = client.post("/auth/refresh", json={"refresh_token": expired})
    assert r.json() == {"detail": "the token has expired", "status_code": 401}
    stranger = issue_jwt("demo", token_type="refresh")
    r = client.post("/auth/refresh", json={"refresh_token": stranger})
    assert r.json() == {"detail": "the refresh token was not issued to a user", "status_code": 401}
