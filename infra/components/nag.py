"""cdk-nag acknowledgements (cdk-nag 3: CDK's native ``Validations.of(...).acknowledge``).

Every acknowledgement names one finding (``Rule`` or ``Rule[finding]``) and says why it is fine. The
``AwsSolutions::`` plugin prefix is what the validation report asks for; with it the acknowledgement
and its reason are listed under ``suppressedViolations`` in ``cdk.out/validation-report.json``.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, CfnElement, Stack, Validations
from constructs import IConstruct

PLUGIN = "AwsSolutions"


def acknowledge(construct: IConstruct, rule_id: str, reason: str) -> None:
    """Acknowledge one cdk-nag finding, e.g. ``AwsSolutions-IAM5[Resource::*]``, on ``construct``
    and everything under it."""
    if not rule_id.startswith(f"{PLUGIN}-"):
        raise ValueError(f"{rule_id}: not an {PLUGIN} rule")
    if len(reason.strip()) < 40:
        raise ValueError(f"{rule_id}: write down why the finding is acceptable")
    Validations.of(construct).acknowledge(Acknowledgment(id=f"{PLUGIN}::{rule_id}", reason=reason))


def arn_ref(construct: IConstruct) -> str:
    """How cdk-nag prints ``Fn::GetAtt [<resource>, Arn]`` in a finding id: ``<LogicalId.Arn>``."""
    element = construct.node.default_child
    assert isinstance(element, CfnElement), f"{construct.node.path} has no CloudFormation resource"
    return f"<{Stack.of(construct).get_logical_id(element)}.Arn>"
