"""``make run``: the whole platform on this machine.

Starts embedded AWS (moto server), creates every resource from the shared specs (tables, buckets, queues and the
buckets' S3→SQS notifications, the state machines executing for real with their Lambda tasks run by the workers'
Python handlers in this process), seeds the demo data through the import code path, serves every HTTP function group
on one port, and runs an event pump that hands queued S3 events to the same worker handlers Lambda would call.
Environment: GROUNDLINK_PORT (default 8000), GROUNDLINK_MOTO_PORT (default 4566). Both ports are claimed before
anything starts: a port already in use ends the run at once with one line naming it and its variable.
The demo element sets are months old: GROUNDLINK_TLE_DEMO_MAX_AGE_DAYS (default 3650) relaxes the booking limit on
element-set age for the demo catalogue, and the banner and every freshness warning say so.
GROUNDLINK_STATION_AGENTS=all (or a list of station ids, e.g. 3,6) also starts simulated station agents
(``infra/local/stations.py``): booked contacts are flown, reported and their recordings delivered.
"""

from __future__ import annotations

import os
import socket
import sys
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from infra.local.gateway import LocalGateway
    from shared.domain.catalog.freshness import FreshnessPolicy

PORTS = (("GROUNDLINK_PORT", 8000, "the HTTP API"), ("GROUNDLINK_MOTO_PORT", 4566, "the embedded AWS"))
DOCS = (("Space Go", "/api/v1/docs"), ("orbapi", "/orbapi/docs"), ("SSA", "/docs"), ("pipeline", "/pipeline/docs"),
        ("SatNOGS", "/satnogs/api/docs"))


class PortError(Exception):
    """A port of the local runtime cannot be used; the message is the one line the operator reads."""


def configure_environment(moto_endpoint: str) -> None:
    from infra.local.emulation import FAKE_CREDENTIALS, bucket_env, table_env

    os.environ.update(FAKE_CREDENTIALS)
    os.environ.update(table_env())
    os.environ.update(bucket_env())
    os.environ["GROUNDLINK_AWS_ENDPOINT_URL"] = moto_endpoint
    os.environ.setdefault("GROUNDLINK_ENVIRONMENT", "local")
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Groundlink")
    # the demo element sets are months old and cannot be refreshed offline: bookings on them stay possible
    from shared.catalog.demo import DEMO_TLE_ENV

    for name, value in DEMO_TLE_ENV.items():
        os.environ.setdefault(name, value)
    # Locally no request carries a Lambda context, so idempotency cannot compute its in-progress expiry; in
    # Lambda the same warning would be a real fault and stays on.
    warnings.filterwarnings("ignore", message=".*register_lambda_context", category=UserWarning)
    from shared.aws import reset_clients

    reset_clients()


def configured_ports(environ: dict[str, str] | os._Environ[str] = os.environ) -> dict[str, int]:
    """Variable → port, from the environment (defaults 8000 and 4566)."""
    ports: dict[str, int] = {}
    for var, default, what in PORTS:
        text = environ.get(var, "").strip() or str(default)
        if not text.isdigit() or not 0 < int(text) < 65536:
            raise PortError(f"{var}={text!r} is not a port number (1-65535) for {what}")
        ports[var] = int(text)
    if len(set(ports.values())) < len(ports):
        raise PortError(f"GROUNDLINK_PORT and GROUNDLINK_MOTO_PORT are both {ports['GROUNDLINK_PORT']}; "
                        f"give them different ports")
    return ports


def _bound(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a previous run's TIME_WAIT is no conflict
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    return sock


def _free_near(port: int, avoid: set[int]) -> int | None:
    for candidate in range(port + 1, min(port + 50, 65536)):
        if candidate in avoid:
            continue
        try:
            _bound(candidate).close()
        except OSError:
            continue
        return candidate
    return None


def in_use_message(var: str, port: int, avoid: set[int]) -> str:
    what = next(w for v, _, w in PORTS if v == var)
    free = _free_near(port, avoid)
    hint = f", e.g. {var}={free} make run" if free else ""
    return f"port {port} ({what}) is already in use by another program; set {var} to a free port{hint}"


def claim_ports(ports: dict[str, int]) -> socket.socket:
    """Check both ports before anything starts. The HTTP port stays bound (uvicorn serves on this socket), so
    nothing can take it between the check and the server start; the embedded AWS binds its own port right
    after (``EmbeddedAws.start`` raises at once if it was taken meanwhile)."""
    avoid = set(ports.values())
    http_socket: socket.socket | None = None
    taken: list[str] = []
    try:
        http_socket = _bound(ports["GROUNDLINK_PORT"])
    except OSError:
        taken.append(in_use_message("GROUNDLINK_PORT", ports["GROUNDLINK_PORT"], avoid))
    try:
        _bound(ports["GROUNDLINK_MOTO_PORT"]).close()
    except OSError:
        taken.append(in_use_message("GROUNDLINK_MOTO_PORT", ports["GROUNDLINK_MOTO_PORT"], avoid))
    if taken or http_socket is None:
        if http_socket is not None:
            http_socket.close()
        raise PortError("; ".join(taken))
    return http_socket


def cli_command() -> str:
    """The CLI as the operator can type it from the current directory: ``.venv/bin/groundlink`` under ``make run``."""
    script = Path(sys.executable).parent / "groundlink"
    if not script.exists():
        return f"{sys.executable} -m shared.cli"
    try:
        relative = script.relative_to(Path.cwd())
    except ValueError:
        return str(script)
    return str(relative)


def freshness_lines(policy: FreshnessPolicy, deployment_max_days: float,
                    ages: tuple[float, float] | None) -> list[str]:
    """What the banner says about the element sets' age and the limits applied to them."""
    held = f"the demo sets are {ages[0]:.0f}-{ages[1]:.0f} days old; " if ages else ""
    lines = [f"element sets: {held}answers warn past {policy.warn_age_days:g} days"]
    if policy.demo:
        lines.append(f"  bookings and contacts: the age limit is RELAXED to {policy.max_age_days:g} days for the "
                     f"demo catalogue (GROUNDLINK_TLE_DEMO_MAX_AGE_DAYS; a deployment refuses sets older than "
                     f"{deployment_max_days:g} days)")
    else:
        lines.append(f"  bookings and contacts are refused on element sets older than {policy.max_age_days:g} days")
    return lines


def print_banner(base: str, aws_endpoint: str, seeded_s: float, reports: list, pump, state_machine_arns: dict,
                 jwt: str, api_token: str, ages: tuple[float, float] | None = None) -> None:
    from shared.resources import BUCKETS
    from shared.settings import get_settings

    cli = cli_command()
    print(f"Groundlink local runtime — embedded AWS at {aws_endpoint} (demo data seeded in {seeded_s:.1f} s)")
    for r in reports:
        print(f"  demo {r.kind}: {r.stored} stored, {len(r.errors)} rejected")
    for line in freshness_lines(get_settings().freshness_policy(), get_settings().tle_max_age_days, ages):
        print(f"  {line}")
    from infra.local.console import CONSOLE_PATH, console_built

    built = "" if console_built() else "  (not built: run `make console`)"
    print(f"Operator console (open in a browser; sign in with the token below): {base}{CONSOLE_PATH}{built}")
    print("API documentation (open in a browser; no token needed):")
    for name, path in DOCS:
        print(f"  {name:<9} {base}{path}")
    print(f"  the OpenAPI documents are next to them: {base}/api/v1/openapi.json, …")
    print("Every API endpoint needs a bearer token (below), for example:")
    print(f"  orbapi    curl -H \"Authorization: Bearer $TOKEN\" {base}/orbapi/gs")
    print(f"  Space Go  {base}/api/v1/sites     SSA  {base}/health     stations  {base}/stations/v1/commands")
    settings = get_settings()
    print("Buckets (S3 at the embedded AWS endpoint):")
    for spec in BUCKETS:
        print(f"  {spec.key:<9} s3://{settings.bucket_name(spec.key)}")
    print("  event pump: " + ", ".join(f"{q.key} -> {w.name}" for q, _, w in pump.targets))
    from shared.resources import EVENT_BUS

    print(f"  event bus: {settings.event_bus_name} (outbox relayed every {EVENT_BUS.local_relay_every_s:g} s) -> "
          f"{EVENT_BUS.queue} -> webhooks")
    print("State machines (Step Functions at the embedded AWS endpoint):")
    for key, arn in state_machine_arns.items():
        print(f"  {key:<9} {arn}")
    print("Demo credentials (owner 'demo'):")
    print(f"  JWT (all scopes, 12 h): {jwt}")
    print(f"  orbapi API token:       {api_token}")
    print(f"The CLI (in another terminal, from {Path.cwd()}):")
    print(f"  {cli} token --subject demo --scopes 'passes:read'")
    print(f"  export GROUNDLINK_AWS_ENDPOINT_URL={aws_endpoint}   # imports and api-token talk to the embedded AWS")
    print(f"  {cli} import-tle shared/demo_data/samples/amateur.tle --source sample")
    if cli.endswith("groundlink") and (Path(sys.executable).parent / "activate").exists():
        activate = Path(sys.executable).parent / "activate"
        shown = activate.relative_to(Path.cwd()) if activate.is_relative_to(Path.cwd()) else activate
        print(f"  (or `source {shown}` once, then type plain `groundlink …`)")


def snapstart_hooks(gateway: LocalGateway) -> None:
    """The SnapStart resets every HTTP function runs after a restore (``shared.snapstart``), run once here as the
    functions' apps are loaded: each handler imported (registering its hooks), then ``restore()``. The priming is
    not run: the gateway has loaded the apps, and the docs are built on their first request, not at start."""
    import importlib

    from shared import snapstart

    for name in sorted({route.function.name for route in gateway.routes}):
        importlib.import_module(f"functions.{name}.handler")
    snapstart.restore()


def main() -> int:
    try:
        ports = configured_ports()
        http_socket = claim_ports(ports)
    except PortError as exc:
        print(f"groundlink: {exc}", file=sys.stderr, flush=True)
        return 1
    port, moto_port = ports["GROUNDLINK_PORT"], ports["GROUNDLINK_MOTO_PORT"]

    from infra.local.emulation import EmbeddedAws

    try:
        aws = EmbeddedAws(moto_port).start()
    except OSError:  # taken since the check a moment ago
        http_socket.close()
        print(f"groundlink: {in_use_message('GROUNDLINK_MOTO_PORT', moto_port, {port, moto_port})}",
              file=sys.stderr, flush=True)
        return 1
    pump = timers = stations = None
    stopping = False
    try:
        aws.run_state_machines()
        configure_environment(aws.endpoint)
        import uvicorn

        from infra.local.emulation import (
            create_event_bus,
            create_resources,
            create_state_machines,
            create_storage,
            queue_env,
            state_machine_env,
        )
        from infra.local.gateway import LocalGateway
        from infra.local.pump import EventPump
        from shared.adapters.dynamo.catalog import catalog_repository
        from shared.auth import issue_jwt
        from shared.aws import client, reset_clients
        from shared.catalog.demo import seed_demo
        from shared.identity_tokens import create_api_token

        t0 = time.perf_counter()
        create_resources(client("dynamodb"))
        queue_urls = create_storage(client("s3"), client("sqs"))
        os.environ.update(queue_env(queue_urls))
        os.environ.update(create_event_bus(client("events"), client("sqs"), queue_urls))
        state_machine_arns = create_state_machines(client("lambda"), client("iam"), client("stepfunctions"))
        os.environ.update(state_machine_env(state_machine_arns))
        reset_clients()  # settings re-read: the functions that start state machines see their ARNs
        from shared.wiring.catalog import after_new_elements

        reports = seed_demo(catalog_repository(), on_advanced=after_new_elements)
        api_token, _ = create_api_token(
            owner="demo", name="demo token",
            scopes=["passes:read", "bookings:create", "bookings:cancel", "mission-profile:create", "webhooks:manage"],
        )
        seeded = time.perf_counter() - t0
        gateway = LocalGateway()
        gateway.load_all()
        snapstart_hooks(gateway)
        from shared.resources import FUNCTIONS, QUEUES

        pump = EventPump(client("sqs"), queue_urls, FUNCTIONS, QUEUES,
                         on_error=lambda exc: print(f"event pump: {exc!r}", file=sys.stderr, flush=True)).start()
        from infra.local.timers import local_timers
        from shared.resources import EVENT_BUS, STATE_MACHINES
        from shared.settings import get_settings

        timers = local_timers(FUNCTIONS, state_machines=STATE_MACHINES, bus=EVENT_BUS,
                              refresh_every_s=get_settings().refresh_every_s,
                              report=lambda line: print(line, file=sys.stderr, flush=True)).start()

        all_scopes = "contacts spacecraft sites tle passes bookings mission-profile webhooks pipeline ssa admin"
        base = f"http://127.0.0.1:{port}"
        from shared.catalog.demo import element_set_ages
        from shared.timefmt import utcnow

        print_banner(base, aws.endpoint, seeded, reports, pump, state_machine_arns,
                     issue_jwt("demo", all_scopes.split(), ttl_s=12 * 3600), api_token,
                     element_set_ages(catalog_repository(), utcnow()))
        from infra.local.stations import ENV, start_stations, wanted

        agents = wanted(os.environ.get(ENV, ""), [s.id for s in catalog_repository().list_stations()])
        if agents:
            stations = start_stations(base, agents)
            print(f"Simulated station agents ({ENV}): {stations.description}")

        class AnnouncingServer(uvicorn.Server):
            async def startup(self, sockets=None) -> None:
                await super().startup(sockets=sockets)
                if self.started:  # the socket is listening: clients may connect now
                    print(f"Groundlink is ready on {base} (Ctrl-C stops)", flush=True)

            async def shutdown(self, sockets=None) -> None:
                nonlocal stopping
                stopping = True
                print("Stopping Groundlink…", flush=True)
                await super().shutdown(sockets=sockets)

        from infra.local import trace
        from infra.local.console import with_console
        from infra.local.cors import with_cors

        trace.watch_gc()
        app = with_cors(with_console(gateway))
        config = uvicorn.Config(trace.traced_asgi(app) if trace.enabled() else app, host="127.0.0.1", port=port,
                                log_level="warning",
                                lifespan="off", access_log=False, timeout_graceful_shutdown=5)
        try:
            AnnouncingServer(config).run(sockets=[http_socket])
        except KeyboardInterrupt:  # uvicorn re-raises the captured Ctrl-C after a graceful shutdown
            pass
    except KeyboardInterrupt:  # Ctrl-C while starting
        pass
    finally:
        if not stopping:
            print("Stopping Groundlink…", flush=True)
        if pump is not None:
            pump.stop()
        if timers is not None:
            timers.stop()
        if stations is not None:
            stations.stop()
        aws.stop()
        http_socket.close()
        print("Groundlink stopped.", flush=True)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Everything is stopped and the embedded AWS's data lives only in this process: leave without freeing its heap
    # object by object (after a bulk import that alone took about a minute).
    os._exit(code)
