"""Asynchronous jobs: one Step Functions state machine per ``shared.resources.STATE_MACHINES`` entry.

Each is a STANDARD state machine whose definition is the spec's ASL with ``${WorkerArn}`` bound to its worker
function's ARN (``Fn::Sub``: the same definition the local runtime executes, ``TimeoutSeconds`` included), logging
ALL events with execution data to its own log group, X-Ray tracing on. Its role may invoke exactly its worker.
Every function whose spec ``starts`` a state machine may start executions of exactly that state machine, and finds
its ARN in ``StateMachineSpec.env_var``.

Jobs always end: an EventBridge rule sends the worker every FAILED, TIMED_OUT or ABORTED status change of the state
machine's executions (the worker fails the job the execution left open), and a schedule sends it a sweep every
``StateMachineSpec.sweep_every_s`` (the worker fails every job left open past its bound), both with the target's
retries on.
"""

from __future__ import annotations

from aws_cdk import ArnFormat, Duration, Fn, RemovalPolicy, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.components.constants import LOG_RETENTION
from infra.components.functions import pascal
from infra.components.nag import acknowledge
from shared.resources import STATE_MACHINES, FunctionSpec, StateMachineSpec

WORKER_ARN = "WorkerArn"  # the ${WorkerArn} placeholder of StateMachineSpec.definition
ENDED = ("FAILED", "TIMED_OUT", "ABORTED")  # execution statuses that may leave a job open


def distributed_maps(definition: dict) -> list[str]:
    """The names of the definition's top-level Map states that run DISTRIBUTED."""
    return [name for name, state in definition.get("States", {}).items() if state.get("Type") == "Map" and
            (state.get("ItemProcessor") or {}).get("ProcessorConfig", {}).get("Mode") == "DISTRIBUTED"]


class JobsConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: dict[str, lambda_.IFunction],
        specs: tuple[FunctionSpec, ...],
        state_machines: tuple[StateMachineSpec, ...] = STATE_MACHINES,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        self.specs = {spec.key: spec for spec in state_machines}
        self.state_machines: dict[str, sfn.StateMachine] = {}
        self.log_groups: dict[str, logs.LogGroup] = {}
        self.ended_rules: dict[str, events.Rule] = {}
        self.sweep_rules: dict[str, events.Rule] = {}
        for spec in state_machines:
            if spec.worker not in functions:
                raise ValueError(f"state machine {spec.key}: no worker function {spec.worker!r}")
            self.state_machines[spec.key] = self._state_machine(spec, functions[spec.worker], removal_policy)
            self._watch(spec, self.state_machines[spec.key], functions[spec.worker])

        for fn_spec in specs:
            for key in fn_spec.starts:
                if key not in self.state_machines:
                    raise ValueError(f"{fn_spec.name} starts unknown state machine {key!r}")
                if self.specs[key].worker == fn_spec.name:
                    raise ValueError(f"{fn_spec.name} cannot start the state machine it is the worker of ({key})")
                function = functions[fn_spec.name]
                machine = self.state_machines[key]
                machine.grant_start_execution(function)  # states:StartExecution on this state machine only
                assert isinstance(function, lambda_.Function)
                function.add_environment(self.specs[key].env_var, machine.state_machine_arn)

    def _state_machine(
        self, spec: StateMachineSpec, worker: lambda_.IFunction, removal_policy: RemovalPolicy
    ) -> sfn.StateMachine:
        name = pascal(spec.key)
        log_group = logs.LogGroup(
            self,
            f"{name}Logs",
            # the vended-logs prefix keeps Step Functions' log delivery out of the account's log resource policy
            log_group_name=f"/aws/vendedlogs/states/{Stack.of(self).stack_name}-{spec.key}",
            retention=LOG_RETENTION,
            removal_policy=removal_policy,
        )
        self.log_groups[spec.key] = log_group
        # Fn::Sub binds the worker's ARN and the stack's partition (AWS::Partition: aws, aws-cn, aws-us-gov)
        definition = Fn.sub(spec.definition_for("${" + WORKER_ARN + "}", partition="${AWS::Partition}"),
                            {WORKER_ARN: worker.function_arn})
        # A named state machine: its Distributed Map's grant (below) names its own ARN without referencing it
        machine_name = f"{Stack.of(self).stack_name}-{spec.key}"
        machine = sfn.StateMachine(
            self,
            f"{name}StateMachine",
            state_machine_name=machine_name,
            definition_body=sfn.DefinitionBody.from_string(definition),
            state_machine_type=sfn.StateMachineType.STANDARD,
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=True),
            tracing_enabled=True,
            removal_policy=removal_policy,
        )
        # The definition is a string: CDK cannot see the Task's target, so the invoke grant is explicit and
        # names the worker's ARN only (no version/alias wildcard: the definition invokes the unqualified ARN).
        machine.add_to_role_policy(
            iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[worker.function_arn])
        )
        if distributed_maps(spec.definition):
            self._grant_child_executions(machine, machine_name)
        acknowledge(
            machine.role,
            "AwsSolutions-IAM5[Resource::*]",
            "Step Functions log delivery (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, "
            "DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) "
            "and X-Ray (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) have no "
            "resource-level permissions: AWS requires Resource '*' for these actions.",
        )
        return machine

    def _grant_child_executions(self, machine: sfn.StateMachine, machine_name: str) -> None:
        """A Distributed Map runs its iterations as child executions of the state machine itself: its role may
        start executions of this state machine, and describe and stop their child executions (AWS's policy for
        Distributed Map; the item source is the state's input, no ItemReader, so no S3 read)."""
        stack = Stack.of(self)
        own_arn = stack.format_arn(service="states", resource="stateMachine", resource_name=machine_name,
                                   arn_format=ArnFormat.COLON_RESOURCE_NAME)
        executions = stack.format_arn(service="states", resource="execution", resource_name=f"{machine_name}/*",
                                      arn_format=ArnFormat.COLON_RESOURCE_NAME)
        machine.add_to_role_policy(iam.PolicyStatement(actions=["states:StartExecution"], resources=[own_arn]))
        machine.add_to_role_policy(iam.PolicyStatement(actions=["states:DescribeExecution", "states:StopExecution"],
                                                       resources=[executions]))
        acknowledge(
            machine.role,
            f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:"
            f"{machine_name}/*]",
            "The Distributed Map's child executions are named by Step Functions at run time: describing and "
            "stopping them is granted on this state machine's executions only.",
        )

    def _watch(self, spec: StateMachineSpec, machine: sfn.StateMachine, worker: lambda_.IFunction) -> None:
        """The execution-status rule and the sweep schedule, both targeting the worker."""
        name = pascal(spec.key)
        if spec.sweep_every_s % 60:
            raise ValueError(f"state machine {spec.key}: sweep_every_s must be whole minutes")
        ended = events.Rule(
            self,
            f"{name}ExecutionEnded",
            description=f"Executions of state machine {spec.key} that ended {', '.join(ENDED)}: the worker fails "
            "the job an execution left open",
            event_pattern=events.EventPattern(
                source=["aws.states"],
                detail_type=["Step Functions Execution Status Change"],
                detail={"stateMachineArn": [machine.state_machine_arn], "status": list(ENDED)},
            ),
        )
        ended.add_target(targets.LambdaFunction(worker, retry_attempts=8, max_event_age=Duration.hours(2)))
        sweep = events.Rule(
            self,
            f"{name}Sweep",
            description=f"Every {spec.sweep_every_s // 60} minutes: the worker fails the {spec.key} jobs left open "
            "past their bound",
            schedule=events.Schedule.rate(Duration.minutes(spec.sweep_every_s // 60)),
        )
        sweep.add_target(targets.LambdaFunction(worker, retry_attempts=2, max_event_age=Duration.minutes(10)))
        self.ended_rules[spec.key] = ended
        self.sweep_rules[spec.key] = sweep

    def state_machine(self, key: str) -> sfn.StateMachine:
        try:
            return self.state_machines[key]
        except KeyError:
            raise KeyError(f"no state machine {key!r} (known: {sorted(self.state_machines)})") from None
