"""The Groundlink CDK app: ``python -m infra.app`` (what ``cdk.json`` runs) or ``make synth``.

One stack per stage: ``cdk deploy -c stage=prod`` deploys ``Groundlink-prod`` (default stage ``dev``; the
stages and their settings are ``infra/stages.toml``).

cdk-nag's AwsSolutions pack runs on every synth; an unacknowledged finding stops the synth.
Offline and deterministic: no AWS credentials, no lookups, no Docker (``infra/build_assets.py``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import App, Tags, Validations
from cdk_nag import AwsSolutionsChecks

from infra.stack import GroundlinkStack
from infra.stages import StageConfig, stage_from_context

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"


def default_context() -> dict[str, Any]:
    """``cdk.json``'s context, so ``python -m infra.app`` and the tests synthesize what ``cdk synth``
    does (context from the CLI, ``cdk.json`` or ``-c`` still wins over these)."""
    return dict(json.loads(CDK_JSON.read_text()).get("context", {}))


def build_app(
    *, context: dict[str, Any] | None = None, outdir: str | None = None, **stack_kwargs: Any
) -> tuple[App, GroundlinkStack]:
    app = App(context={**default_context(), **(context or {})}, outdir=outdir)
    stage: StageConfig = stage_from_context(app.node)
    stack = GroundlinkStack(
        app,
        stage.stack_name,
        stage=stage,
        description=f"Groundlink ({stage.name}): open serverless ground-segment platform",
        **stack_kwargs,
    )
    for key, value in stage.tags.items():
        Tags.of(app).add(key, value)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app, stack


def main() -> None:
    from infra.stages import StageError

    try:
        app, _ = build_app()
    except StageError as exc:  # one line naming the stage and the setting, not a jsii trace
        raise SystemExit(f"groundlink: {exc}") from None
    app.synth()


if __name__ == "__main__":
    main()
