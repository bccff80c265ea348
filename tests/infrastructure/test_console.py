"""CDK assertions on the operator console: a private S3 bucket read by CloudFront through origin access control,
a security-headers policy on every behaviour, the console's API paths proxied to the HTTP API, the built files
deployed with the stack, and nothing of it where CloudFront's origin access control is not offered."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("aws_cdk")

from aws_cdk.assertions import Template  # noqa: E402

from infra.components.console import API_PATHS, CHINA_REGIONS  # noqa: E402

if TYPE_CHECKING:
    from conftest import Synth

pytestmark = pytest.mark.xdist_group("cdk")


class Nested:
    """The console's nested stack: its template and its constructs' logical ids."""

    def __init__(self, synth: Synth) -> None:
        self.stack = synth.stack.console.stack
        self.resources = Template.from_stack(self.stack).to_json()["Resources"]

    def logical_id(self, construct) -> str:
        return self.stack.resolve(construct.node.default_child.logical_id)


def _one(synth: Nested, cfn_type: str) -> tuple[str, dict]:
    [(key, resource)] = [(k, v) for k, v in synth.resources.items() if v["Type"] == cfn_type]
    return key, resource


def test_the_site_bucket_is_private_and_read_by_cloudfront_through_origin_access_control(synth: Synth) -> None:
    synth = Nested(synth)
    console = synth.stack
    bucket = synth.resources[synth.logical_id(console.bucket)]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                                        "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert "WebsiteConfiguration" not in bucket  # not a public website: CloudFront is the only reader
    oac_id, oac = _one(synth, "AWS::CloudFront::OriginAccessControl")
    assert oac["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    _, distribution = _one(synth, "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    s3_origin = next(o for o in config["Origins"] if "S3OriginConfig" in o)
    assert s3_origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac_id, "Id"]}
    assert s3_origin["S3OriginConfig"]["OriginAccessIdentity"] == ""  # no legacy OAI
    assert config["DefaultRootObject"] == "index.html"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    policies = [p for p in synth.resources.values() if p["Type"] == "AWS::S3::BucketPolicy"
                and p["Properties"]["Bucket"] == {"Ref": synth.logical_id(console.bucket)}]
    statements = policies[0]["Properties"]["PolicyDocument"]["Statement"]
    reads = [s for s in statements if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}]
    assert reads and reads[0]["Action"] == "s3:GetObject"
    assert "AWS:SourceArn" in reads[0]["Condition"]["StringEquals"]  # this distribution only


def test_every_behaviour_carries_the_security_headers_policy(synth: Synth) -> None:
    synth = Nested(synth)
    headers_id, headers = _one(synth, "AWS::CloudFront::ResponseHeadersPolicy")
    security = headers["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["ContentTypeOptions"]["Override"] is True
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"
    _, distribution = _one(synth, "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    behaviours = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    assert all(b["ResponseHeadersPolicyId"] == {"Ref": headers_id} for b in behaviours)
    logs = synth.logical_id(synth.stack.logs)
    assert config["Logging"]["Bucket"] == {"Fn::GetAtt": [logs, "RegionalDomainName"]}


def test_the_console_calls_the_api_on_its_own_origin_with_the_callers_token_never_shared(synth: Synth) -> None:
    synth = Nested(synth)
    _, distribution = _one(synth, "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    api_origin = next(o for o in config["Origins"] if "CustomOriginConfig" in o)
    assert api_origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    # the HTTP API's endpoint, handed in by the main stack as a parameter
    assert "Ref" in str(api_origin["DomainName"]) and "referencetoGroundlink" in str(api_origin["DomainName"])
    by_path = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    assert set(by_path) == set(API_PATHS)
    cache_id, cache = _one(synth, "AWS::CloudFront::CachePolicy")
    cache_config = cache["Properties"]["CachePolicyConfig"]
    assert cache_config["DefaultTTL"] == 0
    assert cache_config["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]["Headers"] == ["Authorization"]
    for behaviour in by_path.values():
        assert behaviour["TargetOriginId"] == api_origin["Id"] and behaviour["CachePolicyId"] == {"Ref": cache_id}
        assert "POST" in behaviour["AllowedMethods"] and "DELETE" in behaviour["AllowedMethods"]
        assert behaviour["ViewerProtocolPolicy"] == "https-only"


def test_the_built_files_and_a_same_origin_configuration_are_deployed_with_the_stack(synth: Synth) -> None:
    synth = Nested(synth)
    _, deployment = _one(synth, "Custom::CDKBucketDeployment")
    props = deployment["Properties"]
    assert props["DestinationBucketName"] == {"Ref": synth.logical_id(synth.stack.bucket)}
    assert len(props["SourceObjectKeys"]) == 2  # the dist folder and config.json
    assert props["DistributionPaths"] == ["/*"]  # invalidated on every deploy
    role = synth.resources[synth.logical_id(synth.stack.handler)]["Properties"]["Role"]
    assert role["Fn::GetAtt"][0].startswith("DeployRole")
    assert props["ServiceToken"]["Fn::GetAtt"][0] == synth.logical_id(synth.stack.handler)


def test_the_console_is_a_nested_stack_created_only_outside_the_china_regions(synth: Synth) -> None:
    template = synth.template.to_json()
    [(name, condition)] = [(k, v) for k, v in template["Conditions"].items() if k.startswith("ConsoleOffered")]
    assert all(region in str(condition) for region in CHINA_REGIONS)
    nested = synth.resources[synth.stack.resolve(synth.stack.console.stack.nested_stack_resource.logical_id)]
    assert nested["Type"] == "AWS::CloudFormation::Stack"
    assert nested["Condition"] == name
    assert not [v for v in synth.resources.values() if v["Type"].startswith(("AWS::CloudFront::", "Custom::CDK"))]
    output = template["Outputs"]["ConsoleUrl"]
    assert output["Condition"] == name and "Outputs." in str(output["Value"])  # the nested stack's distribution
    assert len(synth.resources) <= 500  # CloudFormation's limit per stack: the console's resources stay out
