"""The operator console in AWS: the static files ``make console`` builds (console/dist) in a private S3 bucket,
served by CloudFront through origin access control, with a security-headers policy; the console's API paths go
through the same distribution to the HTTP API, so the console calls the public APIs on its own origin (no CORS,
no API URL baked into the build: its config.json says ``apiUrl: ""``).

A BucketDeployment uploads the files on every deploy and invalidates the distribution. Its handler runs with a
role of its own, written here (no managed policy), and a log group with the stage's retention.

The console is a nested stack (the main stack stays clear of CloudFormation's 500 resources per stack), created
only outside the China regions, where CloudFront's origin access control is not offered (cdk.json also targets
aws-cn); the main stack's ``ConsoleUrl`` output names it.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Aws, CfnCondition, CfnOutput, Duration, Fn, NestedStack, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infra.components.nag import acknowledge, arn_ref

CONSOLE_DIST = Path(__file__).resolve().parents[2] / "console" / "dist"
# the public API paths the console calls, proxied to the HTTP API (orbapi, Space Go, SSA, login, OAuth tokens)
API_PATHS = ("/orbapi/*", "/api/v1/*", "/v1/*", "/auth/*", "/oauth2/*")
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                           "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
                           "object-src 'none'")
LOG_DAYS = 90
CHINA_REGIONS = ("cn-north-1", "cn-northwest-1")


class ConsoleConstruct(Construct):
    """The console's nested stack, conditional on the region, and the main stack's ``ConsoleUrl`` output."""

    def __init__(self, scope: Construct, construct_id: str, *, api_url: str,
                 removal_policy: RemovalPolicy = RemovalPolicy.RETAIN, dist: Path = CONSOLE_DIST) -> None:
        super().__init__(scope, construct_id)
        self.stack = ConsoleStack(self, "Stack", api_url=api_url, removal_policy=removal_policy, dist=dist)
        condition = CfnCondition(self, "Offered", expression=Fn.condition_not(Fn.condition_or(
            *(Fn.condition_equals(Aws.REGION, region) for region in CHINA_REGIONS))))
        self.stack.nested_stack_resource.cfn_options.condition = condition
        CfnOutput(Stack.of(self), "ConsoleUrl", value=self.stack.url, condition=condition,
                  description="the operator console (CloudFront), calling the API on its own origin")


class ConsoleStack(NestedStack):
    def __init__(self, scope: Construct, construct_id: str, *, api_url: str, removal_policy: RemovalPolicy,
                 dist: Path) -> None:
        super().__init__(scope, construct_id, description="Groundlink operator console (CloudFront + S3)")
        if not (dist / "index.html").is_file():
            raise FileNotFoundError(f"{dist}/index.html is missing: build the console first (`make console`)")
        self.node.set_context("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", True)
        # the console's logs: CloudFront's standard logs (delivered with an ACL: this bucket lets the object writer
        # own them) and the site bucket's server access logs
        self.logs = s3.Bucket(
            self, "LogsBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rules=[s3.LifecycleRule(id="expire-cdn-logs", expiration=Duration.days(LOG_DAYS))],
            removal_policy=removal_policy,
        )
        self.bucket = s3.Bucket(
            self, "SiteBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=True,
            lifecycle_rules=[s3.LifecycleRule(id="expire-old-versions",
                                              noncurrent_version_expiration=Duration.days(30))],
            server_access_logs_bucket=self.logs,
            server_access_logs_prefix="site-access/",
            removal_policy=removal_policy,
        )
        self.headers = cloudfront.ResponseHeadersPolicy(
            self, "SecurityHeaders",
            comment="Groundlink console: security headers",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=CONTENT_SECURITY_POLICY, override=True),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(365), include_subdomains=True, override=True),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True),
            ),
        )
        # API answers are never cached across callers: the bearer token is part of the key (and so forwarded),
        # and with a default TTL of 0 nothing is kept unless the API itself says so
        api_cache = cloudfront.CachePolicy(
            self, "ApiCachePolicy",
            comment="Groundlink console: API paths, keyed by the caller's token",
            default_ttl=Duration.seconds(0), min_ttl=Duration.seconds(0), max_ttl=Duration.seconds(1),
            header_behavior=cloudfront.CacheHeaderBehavior.allow_list("Authorization"),
            query_string_behavior=cloudfront.CacheQueryStringBehavior.all(),
            cookie_behavior=cloudfront.CacheCookieBehavior.none(),
        )
        api_origin = origins.HttpOrigin(Fn.select(2, Fn.split("/", api_url)),
                                        protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY)
        api_behavior = cloudfront.BehaviorOptions(
            origin=api_origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=api_cache,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            response_headers_policy=self.headers,
        )
        self.distribution = cloudfront.Distribution(
            self, "Distribution",
            comment="Groundlink operator console",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=self.headers,
            ),
            additional_behaviors={path: api_behavior for path in API_PATHS},
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            enable_logging=True,
            log_bucket=self.logs,
            log_file_prefix="cloudfront/",
        )
        self.url = f"https://{self.distribution.distribution_domain_name}/"

        deploy_logs = logs.LogGroup(self, "DeployLogs", removal_policy=RemovalPolicy.DESTROY)
        deploy_role = iam.Role(self, "DeployRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                               description="Uploads the console's files and invalidates its distribution")
        deploy_logs.grant_write(deploy_role)
        self.deployment = s3deploy.BucketDeployment(
            self, "Files",
            sources=[s3deploy.Source.asset(str(dist)), s3deploy.Source.json_data("config.json", {"apiUrl": ""})],
            destination_bucket=self.bucket,
            distribution=self.distribution,
            distribution_paths=["/*"],
            role=deploy_role,
            log_group=deploy_logs,
            memory_limit=256,
        )
        self._acknowledge(deploy_role)

    def _acknowledge(self, deploy_role: iam.Role) -> None:
        acknowledge(self.distribution, "AwsSolutions-CFR1",
                    "The console is for operators anywhere; who may use it is decided by the API's tokens, not by "
                    "the viewer's country.")
        acknowledge(self.distribution, "AwsSolutions-CFR2",
                    "The distribution serves static files and proxies the API, which authenticates every request "
                    "and is throttled per stage; a WAF web ACL (us-east-1, paid per rule) is left to the operator.")
        acknowledge(self.distribution, "AwsSolutions-CFR4",
                    "The distribution uses the default *.cloudfront.net certificate (no custom domain), which "
                    "cannot pin a minimum viewer TLS version; a stage with its own certificate sets TLSv1.2_2021.")
        acknowledge(self.logs, "AwsSolutions-S1",
                    "This is the console's log bucket (CloudFront logs, the site bucket's access logs); logging its "
                    "own access into itself would log every log delivery (a feedback loop).")
        copy_job = ("The CDK BucketDeployment handler copies every object of its asset (the CDK staging bucket) into "
                    "the console bucket and prunes the old ones: the CDK's grant on those two buckets only.")
        stack = Stack.of(self)
        for finding in ("Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*", "Action::s3:Abort*",
                        "Action::s3:DeleteObject*", f"Resource::{arn_ref(self.bucket)}/*",
                        "Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*",
                        "Resource::*"):
            acknowledge(deploy_role, f"AwsSolutions-IAM5[{finding}]",
                        copy_job if finding != "Resource::*" else
                        "CloudFront invalidations (cloudfront:CreateInvalidation/GetInvalidation) are granted on "
                        "'*' by the CDK BucketDeployment; the action cannot be scoped by the CDK's grant.")
        self.handler = next(c for c in stack.node.children if c.node.id.startswith("Custom::CDKBucketDeployment"))
        acknowledge(self.handler, "AwsSolutions-L1",
                    "The runtime of the CDK BucketDeployment handler is chosen by the CDK library version pinned in "
                    "pyproject.toml; it is a deploy-time copy job, not a request path.")
