"""Synthesize the Groundlink app once per session (a synth takes seconds) and share it.

Three apps: the real one in its prod and dev stages (``shared.resources`` as it is) and a probe (dev stage)
whose function list adds specs that exercise what the real list does not use yet (orbit layer, a write grant,
an indexed table).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("aws_cdk")
pytest.importorskip("cdk_nag")

from aws_cdk import App, NestedStack  # noqa: E402
from aws_cdk.assertions import Template  # noqa: E402
from aws_cdk.cx_api import CloudAssembly  # noqa: E402

from infra.app import build_app  # noqa: E402
from infra.stack import GroundlinkStack  # noqa: E402
from shared.resources import FUNCTIONS, TABLES, FunctionSpec, routes  # noqa: E402

PROBE_ORBIT = FunctionSpec(
    name="infra_probe_orbit",
    surface="ssa",
    description="infrastructure-test probe: needs the orbit layer, writes an indexed table, starts jobs",
    routes=routes("POST /infra-probe/orbit", "GET /infra-probe/orbit/{id}"),
    tables={"ledger": "write", "catalog": "read"},
    starts=("jobs",),
    needs_orbit_layer=True,
    needs_jwt_secret=False,
    memory_mb=1024,
    timeout_s=20,
)
PROBE_WORKER = FunctionSpec(
    name="infra_probe_worker",
    surface="pipeline",
    description="infrastructure-test probe: a worker with no routes and no tables",
    needs_jwt_secret=False,
)


@dataclass
class Synth:
    app: App
    stack: GroundlinkStack
    assembly: CloudAssembly
    template: Template
    functions: tuple[FunctionSpec, ...]

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return self.template.to_json()["Resources"]

    def logical_id(self, construct) -> str:
        return self.stack.resolve(construct.node.default_child.logical_id)

    def validation_report(self) -> dict[str, Any]:
        return json.loads((Path(self.assembly.directory) / "validation-report.json").read_text())

    def nested(self, stack: NestedStack) -> Nested:
        return Nested(self, stack)

    @cached_property
    def monitoring(self) -> Nested:
        """The monitoring nested stack (the alarm topic, its key, every alarm)."""
        return self.nested(self.stack.monitoring.stack)

    @property
    def alarms(self) -> dict[str, dict[str, Any]]:
        """Every alarm, as the monitoring nested stack declares it, with the parameters its dimensions read
        replaced by what the main stack passes (so ``{"Fn::GetAtt": [<queue>, "QueueName"]}``, not a ``Ref``)."""
        monitoring = self.monitoring
        return {k: monitoring.resolved(v) for k, v in monitoring.resources.items()
                if v["Type"] == "AWS::CloudWatch::Alarm"}


class Nested:
    """A nested stack of a synthesized app: its template, its constructs' logical ids, and the parameters
    the main stack passes it."""

    def __init__(self, parent: Synth, stack: NestedStack) -> None:
        self.stack = stack
        self.template = Template.from_stack(stack)
        self.resources: dict[str, dict[str, Any]] = self.template.to_json()["Resources"]
        self.resource_id = parent.stack.resolve(stack.nested_stack_resource.logical_id)
        self.resource = parent.resources[self.resource_id]  # the AWS::CloudFormation::Stack in the main stack
        self.parameters: dict[str, Any] = self.resource["Properties"].get("Parameters", {})
        self.template_path = Path(parent.assembly.directory) / stack.template_file

    def logical_id(self, construct) -> str:
        return self.stack.resolve(construct.node.default_child.logical_id)

    def resolved(self, value: Any) -> Any:
        """``value`` with every ``{"Ref": <parameter>}`` replaced by what the main stack passes for it."""
        if isinstance(value, dict):
            if set(value) == {"Ref"} and value["Ref"] in self.parameters:
                return self.parameters[value["Ref"]]
            return {k: self.resolved(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolved(v) for v in value]
        return value


def _synth(tmp_path_factory: pytest.TempPathFactory, name: str, **stack_kwargs: Any) -> Synth:
    outdir = tmp_path_factory.mktemp(name)
    app, stack = build_app(outdir=str(outdir), **stack_kwargs)
    stack_kwargs.pop("context", None)
    # cdk-nag runs as a validation plugin here: an unacknowledged finding raises.
    assembly = app.synth()
    return Synth(
        app=app,
        stack=stack,
        assembly=assembly,
        template=Template.from_stack(stack),
        functions=stack_kwargs.get("functions", FUNCTIONS),
    )


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    """The production stage, as ``cdk synth -c stage=prod``."""
    return _synth(tmp_path_factory, "groundlink", context={"stage": "prod"})


@pytest.fixture(scope="session")
def dev_synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    """The default stage (dev), as a plain ``cdk synth``."""
    return _synth(tmp_path_factory, "groundlink-dev")


@pytest.fixture(scope="session")
def probe_synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return _synth(
        tmp_path_factory,
        "groundlink-probe",
        tables=TABLES,
        functions=FUNCTIONS + (PROBE_ORBIT, PROBE_WORKER),
        context={"groundlink:removalPolicy": "destroy",
                 "groundlink:corsOrigins": "https://console.example.org, http://localhost:5173",
                 "groundlink:refreshHours": "3", "groundlink:spaceTrackSecret": "groundlink/spacetrack"},
    )


@pytest.fixture(scope="session")
def probe_orbit() -> FunctionSpec:
    return PROBE_ORBIT


@pytest.fixture(scope="session")
def probe_worker() -> FunctionSpec:
    return PROBE_WORKER


@pytest.fixture(scope="session", params=["groundlink", "probe"])
def any_synth(request: pytest.FixtureRequest) -> Synth:
    return request.getfixturevalue("synth" if request.param == "groundlink" else "probe_synth")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep ``--dist loadgroup`` grouping the CDK tests on one worker (one synth per session).

    pytest-xdist 3.8 tags grouped tests by assigning ``item._nodeid``; pytest 9.2 keeps the node id
    in ``item._id`` instead, so the tag is lost and the group is spread over every worker (each then
    synthesizes the app again). Re-apply the tag where it is missing, for this folder's tests only.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    here = Path(__file__).parent
    for item in items:
        mark = item.get_closest_marker("xdist_group")
        if mark is None or "@" in item.nodeid.rsplit("]", 1)[-1] or here not in Path(item.path).parents:
            continue
        group = mark.args[0] if mark.args else mark.kwargs.get("name", "default")
        try:
            from _pytest.nodeid import coerce_node_id
        except ImportError:  # an older pytest: xdist's own tagging works there
            return
        item._id = coerce_node_id(f"{item.nodeid}@{group}")  # noqa: SLF001
