"""``make run``: the whole platform on this machine.

Starts embedded AWS (moto server), creates every resource from the shared specs (tables, buckets, queues and the
buckets' S3→SQS notifications, the state machines executing for real with their Lambda tasks run by the workers'
Python handlers in this process), seeds the demo data through the import code path, serves every HTTP function group
on one port, and runs an event pump that hands queued S3 events to the same worker handlers Lambda would call.
Environment: GROUNDLINK_PORT (default 8000), GROUNDLINK_MOTO_PORT (default 4566).
"""

from __future__ import annotations

import os
import sys
import time


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
    from shared.aws import reset_clients

    reset_clients()


def main() -> int:
    import uvicorn

    from infra.local.emulation import (
        EmbeddedAws,
        create_resources,
        create_state_machines,
        create_storage,
        state_machine_env,
    )
    from infra.local.gateway import LocalGateway
    from infra.local.pump import EventPump

    port = int(os.environ.get("GROUNDLINK_PORT", "8000"))
    aws = EmbeddedAws(int(os.environ.get("GROUNDLINK_MOTO_PORT", "4566"))).start().run_state_machines()
    pump = None
    try:
        configure_environment(aws.endpoint)
        from shared.adapters.dynamo.catalog import catalog_repository
        from shared.auth import issue_jwt
        from shared.aws import client, reset_clients
        from shared.catalog.demo import seed_demo
        from shared.identity_tokens import create_api_token

        t0 = time.perf_counter()
        create_resources(client("dynamodb"))
        queue_urls = create_storage(client("s3"), client("sqs"))
        state_machine_arns = create_state_machines(client("lambda"), client("iam"), client("stepfunctions"))
        os.environ.update(state_machine_env(state_machine_arns))
        reset_clients()  # settings re-read: the functions that start state machines see their ARNs
        reports = seed_demo(catalog_repository())
        api_token, _ = create_api_token(
            owner="demo", name="demo token",
            scopes=["passes:read", "bookings:create", "bookings:cancel", "mission-profile:create"],
        )
        seeded = time.perf_counter() - t0
        gateway = LocalGateway()
        gateway.load_all()
        from shared.resources import BUCKETS, FUNCTIONS, QUEUES
        from shared.settings import get_settings

        pump = EventPump(client("sqs"), queue_urls, FUNCTIONS, QUEUES,
                         on_error=lambda exc: print(f"event pump: {exc!r}", file=sys.stderr, flush=True)).start()

        all_scopes = "contacts spacecraft sites tle passes bookings mission-profile pipeline ssa admin"
        base = f"http://127.0.0.1:{port}"
        print(f"Groundlink local runtime — embedded AWS at {aws.endpoint} (seeded in {seeded:.1f} s)")
        for r in reports:
            print(f"  demo {r.kind}: {r.stored} stored, {len(r.errors)} rejected")
        print(f"  orbapi     {base}/orbapi/gs")
        print(f"  Space Go   {base}/api/v1/sites")
        print(f"  SSA        {base}/health")
        print(f"  stations   {base}/stations/v1/commands")
        print(f"  API docs   {base}/api/v1/docs  {base}/orbapi/docs  {base}/docs  {base}/pipeline/docs")
        settings = get_settings()
        print("Buckets (S3 at the embedded AWS endpoint):")
        for spec in BUCKETS:
            print(f"  {spec.key:<9} s3://{settings.bucket_name(spec.key)}")
        print("  event pump: " + ", ".join(f"{q.key} -> {w.name}" for q, _, w in pump.targets))
        print("State machines (Step Functions at the embedded AWS endpoint):")
        for key, arn in state_machine_arns.items():
            print(f"  {key:<9} {arn}")
        print("Demo credentials (owner 'demo'):")
        print(f"  JWT (all scopes, 12 h): {issue_jwt('demo', all_scopes.split(), ttl_s=12 * 3600)}")
        print(f"  orbapi API token:       {api_token}")
        print(f"  more: groundlink token --subject demo --scopes 'passes:read'   "
              f"(imports: GROUNDLINK_AWS_ENDPOINT_URL={aws.endpoint} groundlink import-tle FILE)")

        class AnnouncingServer(uvicorn.Server):
            async def startup(self, sockets=None) -> None:
                await super().startup(sockets=sockets)
                if self.started:  # the socket is bound: clients may connect now
                    print(f"Groundlink is ready on {base} (Ctrl-C stops)", flush=True)

        config = uvicorn.Config(gateway, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                                access_log=False)
        try:
            AnnouncingServer(config).run()
        except KeyboardInterrupt:  # uvicorn re-raises the captured Ctrl-C after a graceful shutdown
            pass
    finally:
        if pump is not None:
            pump.stop()
        aws.stop()
        print("Groundlink stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
