"""``groundlink smoke``: a running platform exercised end to end with real HTTP requests.

Each step prints one line — ``PASS``, ``FAIL`` or ``SKIP``, its name and what it saw — and the run exits 1 if
any step failed. It books and cancels a real pass on both booking APIs (orbapi, then a Space Go contact on the
same window, which the cancellation freed), puts an uplink object and waits until the platform verified it
(when it has S3 access), and runs a small pass analysis to completion. It works with a credential of its own: a
temporary OAuth client (registered in the identity table, or through ``POST /admin/oauth-clients`` with an
admin token), exchanged at ``POST /oauth2/token`` and revoked at the end; everything it books it cancels.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TextIO

SMOKE_SCOPES = ("passes", "bookings", "contacts", "spacecraft", "sites", "ssa", "admin")
CLIENT_NAME = "groundlink smoke"
REQUEST_TIMEOUT_S = 60.0
LEAD_S = 300  # a pass to book starts at least this long from now
MIN_PASS_S = 180  # and lasts this long (a whole-minute contact fits inside it)
UPLINK_BYTES = 64 * 1024


class StepFailed(Exception):
    """A step did not see what it should; the message is the FAIL line's detail."""


class StepSkipped(Exception):
    """A step that cannot run here; the message says why."""


@dataclass
class Http:
    base: str

    def call(self, method: str, path: str, token: str | None = None, body: Any = None,
             headers: dict[str, str] | None = None, form: dict[str, str] | None = None) -> tuple[int, Any]:
        data = None
        all_headers = {"Accept": "application/json", **(headers or {})}
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        if token:
            all_headers.setdefault("Authorization", f"Bearer {token}")
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
                return response.status, _parsed(response.read())
        except urllib.error.HTTPError as err:
            return err.code, _parsed(err.read())
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StepFailed(f"{method} {self.base}{path}: cannot connect ({reason})") from None

    def expect(self, status: int | tuple[int, ...], method: str, path: str, **kwargs: Any) -> Any:
        wanted = (status,) if isinstance(status, int) else status
        got, body = self.call(method, path, **kwargs)
        if got not in wanted:
            raise StepFailed(f"{method} {path} answered {got}, not {'/'.join(map(str, wanted))}: {_short(body)}")
        return body


def _parsed(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode(errors="replace")


def _short(body: Any, limit: int = 300) -> str:
    text = body if isinstance(body, str) else json.dumps(body)
    return text if len(text) <= limit else text[:limit] + "…"


class Credentials(Protocol):
    def obtain(self, http: Http) -> tuple[str, str, str | None]:
        """(bearer token, what it is, the subject it acts as when known)."""
        ...

    def release(self, http: Http) -> str:
        ...


def _exchange(http: Http, client_id: str, secret: str) -> str:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    body = http.expect(200, "POST", "/oauth2/token", form={"grant_type": "client_credentials"},
                       headers={"Authorization": f"Basic {basic}"})
    return str(body["access_token"])


@dataclass
class DirectCredentials:
    """A temporary OAuth client written to the identity table (the CLI reaches the stack's DynamoDB)."""

    client_id: str | None = None

    def obtain(self, http: Http) -> tuple[str, str, str | None]:
        from shared.wiring.identity import oauth_clients_service

        registered = oauth_clients_service().register(list(SMOKE_SCOPES), CLIENT_NAME)
        self.client_id = registered.record.client_id
        token = _exchange(http, self.client_id, registered.client_secret)
        return token, f"OAuth client {self.client_id} (identity table), token from POST /oauth2/token", self.client_id

    def release(self, http: Http) -> str:
        from shared.wiring.identity import oauth_clients_service

        if self.client_id is None:
            return "nothing to release"
        oauth_clients_service().revoke(self.client_id)
        return f"OAuth client {self.client_id} revoked"


@dataclass
class HttpCredentials:
    """Only HTTP: an admin token mints a temporary client (``POST /admin/oauth-clients``); any other token is
    used as it is."""

    token: str
    client_id: str | None = None

    def obtain(self, http: Http) -> tuple[str, str, str | None]:
        status, body = http.call("POST", "/admin/oauth-clients", token=self.token,
                                 body={"scopes": list(SMOKE_SCOPES), "name": CLIENT_NAME})
        if status == 201:
            self.client_id = body["clientId"]
            token = _exchange(http, body["clientId"], body["clientSecret"])
            return token, f"OAuth client {self.client_id} (POST /admin/oauth-clients), token from /oauth2/token", \
                self.client_id
        if status == 403:
            return self.token, "the given token, used as it is (it holds no admin scope to mint a client)", None
        raise StepFailed(f"POST /admin/oauth-clients with the given token answered {status}: {_short(body)}")

    def release(self, http: Http) -> str:
        if self.client_id is None:
            return "nothing to release (the given token was used)"
        http.expect(200, "DELETE", f"/admin/oauth-clients/{self.client_id}", token=self.token)
        return f"OAuth client {self.client_id} revoked (DELETE /admin/oauth-clients)"


@dataclass
class SmokeTarget:
    api_url: str
    credentials: Credentials
    s3: Any | None  # a boto3 S3 client that reaches the uplink bucket, or None (HTTP only)
    uplink_bucket: str | None
    timeout_s: float = 180.0


@dataclass
class Smoke:
    target: SmokeTarget
    out: TextIO = sys.stdout
    results: list[tuple[str, str, str]] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.http = Http(self.target.api_url)

    def step(self, name: str, run: Callable[[], str], *, needs: tuple[str, ...] = ()) -> None:
        missing = [n for n in needs if n not in self.state]
        if missing:
            self._record("SKIP", name, f"needs {', '.join(missing)}, which did not pass")
            return
        t0 = time.monotonic()
        try:
            detail = run()
        except StepSkipped as exc:
            self._record("SKIP", name, str(exc))
        except StepFailed as exc:
            self._record("FAIL", name, str(exc))
        except Exception as exc:  # an SDK or parsing error: this step failed, the others still run
            self._record("FAIL", name, f"{type(exc).__name__}: {exc}")
        else:
            self._record("PASS", name, f"{detail} ({time.monotonic() - t0:.1f} s)")

    def _record(self, outcome: str, name: str, detail: str) -> None:
        self.results.append((outcome, name, detail))
        print(f"{outcome}  {name:<13} {detail}", file=self.out, flush=True)

    @property
    def token(self) -> str:
        return str(self.state["credential"])

    # --- the steps ----------------------------------------------------------------------------------------

    def credential(self) -> str:
        token, what, subject = self.target.credentials.obtain(self.http)
        self.state["credential"], self.state["subject"] = token, subject
        return what

    def health(self) -> str:
        body = self.http.expect(200, "GET", "/health", token=self.token)
        return f"GET /health: {body.get('status')}, version {body.get('version')}"

    def catalogue(self) -> str:
        stations = self.http.expect(200, "GET", "/orbapi/gs", token=self.token)
        if not stations.get("total"):
            raise StepFailed("no ground stations: import some (groundlink import-stations FILE)")
        spacecraft = self.http.expect(200, "GET", "/api/v1/spacecraft", token=self.token)
        usable = [s for s in spacecraft if s.get("norad_id") and s.get("sites") and
                  (s.get("services") or {}).get("contact")]
        if not usable:
            raise StepFailed(f"{stations['total']} ground stations, but no spacecraft registration with a NORAD id, "
                             "sites and a contact service: import one (groundlink import-spacecraft FILE)")
        self.state["catalogue"] = {"stations": stations["total"], "spacecraft": usable}
        names = ", ".join(f"{s['spacecraft_id']} (NORAD {s['norad_id']})" for s in usable[:3])
        return f"{stations['total']} ground stations, {len(usable)} bookable spacecraft: {names}"

    def pass_search(self) -> str:
        soon = datetime.now(UTC) + timedelta(seconds=LEAD_S)
        tried = []
        for craft in self.state["catalogue"]["spacecraft"]:
            found = self.http.expect(200, "POST", "/orbapi/passes/search", token=self.token, body={
                "noradId": craft["norad_id"], "days": 2, "groundStationIds": craft["sites"], "stepSeconds": 60})
            tried.append(f"{craft['spacecraft_id']}: {found['total']} passes")
            for p in found["passes"]:
                rise, set_ = _time(p["rise_time"]), _time(p["set_time"])
                if rise > soon and (set_ - rise).total_seconds() >= MIN_PASS_S:
                    self.state["pass"] = {"craft": craft, "gs": p["groundStationId"], "rise": p["rise_time"],
                                          "set": p["set_time"], "rise_at": rise, "set_at": set_}
                    return (f"{found['total']} passes of NORAD {craft['norad_id']} over sites "
                            f"{', '.join(craft['sites'])} in 2 days; using station {p['groundStationId']} "
                            f"{p['rise_time']} – {p['set_time']} (max elevation {p.get('max_elevation')}°)")
        raise StepFailed(f"no pass of at least {MIN_PASS_S} s starting in more than {LEAD_S} s ({'; '.join(tried)})")

    def book_orbapi(self) -> str:
        chosen = self.state["pass"]
        body: dict[str, Any] = {"norad_cat_id": chosen["craft"]["norad_id"], "type": "data",
                                "slots": [{"start": chosen["rise"], "end": chosen["set"], "gs_id": chosen["gs"]}]}
        subject = self.state.get("subject")
        if self.target.s3 is not None and subject:
            payload = os.urandom(UPLINK_BYTES)
            key = f"clients/{subject}/smoke/{uuid.uuid4().hex}.bin"
            body["uplinkFile"] = {"key": key, "sha256": hashlib.sha256(payload).hexdigest()}
            self.state["uplink"] = (key, payload)
        booked = self.http.expect(201, "POST", "/orbapi/bookings", token=self.token, body=body,
                                  headers={"Idempotency-Key": f"smoke-{uuid.uuid4().hex}"})
        self.state["booking"] = booked["bookingId"]
        with_file = f", uplink file {booked['uplinkFile']['id']} pending" if booked.get("uplinkFile") else ""
        return f"POST /orbapi/bookings: booking {booked['bookingId']} (mission {booked.get('missionId')}){with_file}"

    def uplink(self) -> str:
        if self.target.s3 is None or self.target.uplink_bucket is None:
            raise StepSkipped("needs S3 access to the uplink bucket: run with --stack NAME (or against make run); "
                              "with --url only HTTP is used")
        if "uplink" not in self.state:
            raise StepFailed("the booking carries no uplink file (the credential's subject is unknown)")
        key, payload = self.state["uplink"]
        booking = self.state["booking"]
        self.target.s3.put_object(Bucket=self.target.uplink_bucket, Key=key, Body=payload)
        t0, files = time.monotonic(), []
        while time.monotonic() - t0 < self.target.timeout_s:
            files = self.http.expect(200, "GET", f"/orbapi/bookings/{booking}/uplink-files",
                                     token=self.token)["files"]
            if files and files[0]["status"] != "pending":
                break
            time.sleep(0.5)
        states = [f["status"] for f in files]
        if states != ["available"]:
            reason = files[0].get("error") if files else None
            raise StepFailed(f"s3://{self.target.uplink_bucket}/{key}: file {states or 'missing'} after "
                             f"{time.monotonic() - t0:.0f} s" + (f" ({reason})" if reason else ""))
        return (f"s3://{self.target.uplink_bucket}/{key} ({len(payload)} bytes) verified by the platform "
                f"(sha256) {time.monotonic() - t0:.1f} s after the put")

    def cancel_orbapi(self) -> str:
        booking = self.state["booking"]
        body = self.http.expect(200, "DELETE", f"/orbapi/bookings/{booking}", token=self.token)
        if body.get("status") != "success":
            raise StepFailed(f"DELETE /orbapi/bookings/{booking}: {_short(body)}")
        listed = self.http.expect(200, "GET", "/orbapi/bookings", token=self.token)["bookings"]
        [mine] = [b for b in listed if b.get("bookingId", b.get("id")) == booking] or [None]
        if mine is None or mine.get("status") != "Cancelled":
            raise StepFailed(f"booking {booking} is listed as {mine and mine.get('status')}, not Cancelled")
        self.state["cancelled"] = True
        return f"DELETE /orbapi/bookings/{booking}: Cancelled, its window free again"

    def contact(self) -> str:
        chosen = self.state["pass"]
        craft = chosen["craft"]
        start = _ceil_minute(chosen["rise_at"])
        end = _floor_minute(chosen["set_at"])
        if end <= start:
            raise StepFailed(f"the pass {chosen['rise']} – {chosen['set']} holds no whole minute")
        service = craft["services"]["contact"][0]
        created = self.http.expect(201, "POST", "/api/v1/contacts", token=self.token, body={
            "spacecraft_id": craft["spacecraft_id"], "start": _iso(start), "end": _iso(end), "site_id": chosen["gs"],
            "service": {"id": service}})
        contact_id = created["contact_id"]
        read = self.http.expect(200, "GET", f"/api/v1/contacts/{contact_id}", token=self.token)
        if read.get("state") != "CONFIRMED":
            raise StepFailed(f"contact {contact_id} is {read.get('state')}, not CONFIRMED")
        self.http.expect(204, "DELETE", f"/api/v1/contacts/{contact_id}", token=self.token)
        after = self.http.expect(200, "GET", f"/api/v1/contacts/{contact_id}", token=self.token)
        if after.get("state") != "CANCELLED":
            raise StepFailed(f"contact {contact_id} is {after.get('state')} after DELETE, not CANCELLED")
        return (f"POST /api/v1/contacts {craft['spacecraft_id']} at site {chosen['gs']} {_iso(start)} – {_iso(end)}: "
                f"contact {contact_id} CONFIRMED, then DELETE: CANCELLED")

    def pass_analysis(self) -> str:
        chosen = self.state["pass"]
        found = self.http.expect(200, "GET", f"/orbapi/gs/id/{chosen['gs']}", token=self.token)
        station = found["data"][0] if isinstance(found, dict) and found.get("data") else found
        now = datetime.now(UTC).replace(microsecond=0)
        request = {"ground_location": {"type": "Feature", "properties": {}, "geometry": {
                       "type": "Point", "coordinates": [station["longitude"], station["latitude"]]}},
                   "date": [now.isoformat(), (now + timedelta(hours=6)).isoformat()], "time_resolution": 60,
                   "min_elv_constraint": 10, "max_elv_constraint": 90,
                   "norad_ids": [chosen["craft"]["norad_id"]], "name": "groundlink smoke"}
        job = self.http.expect(200, "POST", "/v1/pass_analyzer/", token=self.token, body=request)
        t0, task = time.monotonic(), job
        while time.monotonic() - t0 < self.target.timeout_s and task.get("status") not in ("completed", "failed"):
            time.sleep(0.5)
            task = self.http.expect(200, "GET", job["status_url"], token=self.token)
        if task.get("status") != "completed":
            raise StepFailed(f"task {job['task_id']} is {task.get('status')} after {time.monotonic() - t0:.0f} s"
                             + (f": {task.get('error')}" if task.get("error") else ""))
        windows = sum(len(w) for w in (task.get("result") or {}).get("timestamp", []))
        return (f"task {job['task_id']} completed {time.monotonic() - t0:.1f} s after submission: {windows} "
                f"visibility windows of NORAD {chosen['craft']['norad_id']} over station {chosen['gs']} in 6 h")

    def cleanup(self) -> str:
        return self.target.credentials.release(self.http)

    def run(self) -> int:
        print(f"Groundlink smoke test of {self.target.api_url}", file=self.out, flush=True)
        self.step("credential", self.credential)
        self.step("health", self.health, needs=("credential",))
        self.step("catalogue", self.catalogue, needs=("credential",))
        self.step("pass search", self.pass_search, needs=("catalogue",))
        self.step("book orbapi", self.book_orbapi, needs=("pass",))
        self.step("uplink", self.uplink, needs=("booking",))
        self.step("cancel orbapi", self.cancel_orbapi, needs=("booking",))
        self.step("contact", self.contact, needs=("pass", "cancelled"))
        self.step("pass analysis", self.pass_analysis, needs=("pass",))
        if "credential" in self.state:
            self.step("cleanup", self.cleanup)
        counts = {o: sum(1 for r in self.results if r[0] == o) for o in ("PASS", "FAIL", "SKIP")}
        verdict = "FAILED" if counts["FAIL"] or not counts["PASS"] else "passed"
        print(f"smoke {verdict}: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped",
              file=self.out, flush=True)
        return 1 if verdict == "FAILED" else 0  # a step skipped for want of another follows that one's FAIL


def run_smoke(target: SmokeTarget, out: TextIO = sys.stdout) -> int:
    return Smoke(target, out).run()


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ceil_minute(moment: datetime) -> datetime:
    floor = _floor_minute(moment)
    return floor if floor == moment else floor + timedelta(minutes=1)


def _floor_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)

