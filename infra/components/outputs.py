"""The stack's outputs (``shared.stack_outputs``): the stage, the API URL, the signing-key secret and one per
table, bucket, queue and state machine — what ``groundlink --stack NAME`` reads through ``describe_stacks``.

Declared at the stack's root, so each output key is exactly the one the CLI looks for (a CfnOutput inside a
construct would get a hashed logical id).
"""

from __future__ import annotations

from collections.abc import Callable

from aws_cdk import CfnOutput, Stack

from shared.stack_outputs import API_URL, JWT_SECRET, STAGE, stack_outputs


def declare_outputs(stack: Stack, *, stage: str, api_url: str, jwt_secret_arn: str,
                    values: dict[str, Callable[[str], str]]) -> dict[str, CfnOutput]:
    """``values`` maps an output kind (``table``, ``bucket``…) to the function giving a spec key's value; a
    kind with specs but no function is an error (a new resource kind must say where its value comes from)."""
    fixed = {STAGE.key: stage, API_URL.key: api_url, JWT_SECRET.key: jwt_secret_arn}
    outputs: dict[str, CfnOutput] = {}
    for output in stack_outputs():
        if output.key in fixed:
            value = fixed[output.key]
        else:
            if output.kind not in values:
                raise ValueError(f"no value for the {output.kind} outputs (e.g. {output.key}) of the stack")
            assert output.spec_key is not None
            value = values[output.kind](output.spec_key)
        outputs[output.key] = CfnOutput(stack, output.key, value=value, description=output.description)
    return outputs
