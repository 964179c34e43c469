"""Frontend stack: SPA bucket behind CloudFront (OAC), `/api/*` to the ALB, `/assets/*` to S3."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import Annotations, Aws, CfnOutput, CfnParameter, Duration, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from cruddur_common.registry import load_registry
from cruddur_infra import nag
from cruddur_infra.components.private_bucket import private_bucket, tls_only
from cruddur_infra.components.security_headers import response_headers_policy
from cruddur_infra.settings import InfraSettings
from cruddur_infra.stacks.auth import AuthStack

# Deep links without a file extension get the SPA shell; files are served as they are.
SPA_FALLBACK_JS = """function handler(event) {
  var request = event.request;
  if (request.uri.indexOf('.') === -1) { request.uri = '/index.html'; }
  return request;
}"""
# `/assets/avatars/x.jpg` on the site is `avatars/x.jpg` in the assets bucket.
STRIP_ASSETS_JS = """function handler(event) {
  var request = event.request;
  request.uri = request.uri.replace(/^\\/assets\\//, '/');
  return request;
}"""
# A crud's pictures end with it: 404 once the URL's `expires` passed, cached no longer than what is left.
MEDIA_EXPIRY_JS = Path(__file__).resolve().parents[1] / "edge" / "media_expiry.js"
MEDIA_EDGE_TTL = Duration.seconds(300)  # how long CloudFront may keep a picture (docs/ops.md)


def api_paths() -> list[str]:
    """The behaviours to the ALB: `/api/*`, and each registry path outside it (`/avatars/key_upload`, the
    original avatar route, docs/compatibility.md), which the SPA default behaviour would otherwise take."""
    outside = {path for entry in load_registry() for path in entry.paths if not path.startswith("/api/")}
    return ["/api/*", *sorted(outside)]


class FrontendStack(Stack):
    """One domain for the SPA, the API and the assets; WAF attached at the edge."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: InfraSettings,
        load_balancer: elbv2.IApplicationLoadBalancer,
        assets_bucket: s3.IBucket,
        domain_name: str,
        auth: AuthStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        certificate_arn = CfnParameter(
            self, "CloudFrontCertificateArn", description="ACM certificate in us-east-1 for the site domain"
        ).value_as_string
        self.web_acl_arn = CfnParameter(
            self, "WebAclArn", description="ARN of the CLOUDFRONT WAF web ACL (CruddurEdge output WebAclArn)"
        ).value_as_string
        self.site_bucket = private_bucket(self, "SiteBucket", retain=False)
        headers = response_headers_policy(self, "SecurityHeaders")
        # The ALB is internal: CloudFront reaches it from inside the VPC (a VPC origin), so nothing but
        # this distribution, behind its WAF, can send it a request. Chosen over the origin-facing prefix
        # list + a secret header: that list admits every CloudFront distribution of every account, and
        # the header is a shared secret to rotate and keep out of logs; here there is no public address.
        api = origins.VpcOrigin.with_application_load_balancer(
            load_balancer,
            vpc_origin_name="cruddur-alb",
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            read_timeout=Duration.seconds(60),
            keepalive_timeout=Duration.seconds(60),
        )
        api_behavior = cloudfront.BehaviorOptions(
            origin=api,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER,
            response_headers_policy=headers,
        )
        assets_read = s3.Bucket.from_bucket_name(self, "Assets", assets_bucket.bucket_name)
        assets = origins.S3BucketOrigin.with_origin_access_control(assets_read)
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            domain_names=[domain_name],
            certificate=acm.Certificate.from_certificate_arn(self, "Certificate", certificate_arn),
            web_acl_id=self.web_acl_arn,
            default_root_object="index.html",
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.site_bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                function_associations=[self._on_request(self._function("SpaFallback", SPA_FALLBACK_JS))],
                response_headers_policy=headers,
            ),
            additional_behaviors={
                # The viewer's Host is forwarded, so the ALB's certificate for the domain validates.
                # `/api/*` and every other path the routing registry sends to a service.
                **{path: api_behavior for path in api_paths()},
                # Before `/assets/*`: CloudFront takes the first pattern that matches.
                "/assets/media/*": cloudfront.BehaviorOptions(
                    origin=assets,
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                    cache_policy=self._media_cache_policy(),
                    function_associations=self._media_expiry(),
                    response_headers_policy=headers,
                ),
                "/assets/*": cloudfront.BehaviorOptions(
                    origin=assets,
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                    cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                    function_associations=[
                        self._on_request(self._function("StripAssetsPrefix", STRIP_ASSETS_JS))
                    ],
                    response_headers_policy=headers,
                ),
                "/config.json": cloudfront.BehaviorOptions(
                    origin=origins.S3BucketOrigin.with_origin_access_control(self.site_bucket),
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                    cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                    response_headers_policy=headers,
                ),
            },
        )
        nag.suppress(
            self.distribution,
            ("AwsSolutions-CFR1", "No geo restriction: the network is open to everyone"),
            ("AwsSolutions-CFR3", "Access logs are off to keep cost at rest low; WAF metrics cover abuse"),
        )
        self._assets_policy(assets_read)
        self._deploy_site(settings=settings, auth=auth, domain_name=domain_name)
        CfnOutput(self, "DistributionDomainName", value=self.distribution.distribution_domain_name)
        CfnOutput(self, "SiteBucketName", value=self.site_bucket.bucket_name)

    def _assets_policy(self, bucket: s3.IBucket) -> None:
        """The assets bucket's whole policy (CruddurFunctions writes none): TLS only, and reads by this
        distribution alone, as OAC writes it for the site bucket. It lives here because the functions
        stack cannot name a distribution that is created after it."""
        policy = s3.BucketPolicy(self, "AssetsBucketPolicy", bucket=bucket)
        policy.document.add_statements(
            tls_only(bucket),
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                principals=[iam.ServicePrincipal("cloudfront.amazonaws.com")],
                resources=[bucket.arn_for_objects("*")],
                conditions={"StringEquals": {"AWS:SourceArn": self.distribution.distribution_arn}},
            ),
        )

    def _function(self, name: str, code: str) -> cloudfront.Function:
        return cloudfront.Function(
            self,
            name,
            code=cloudfront.FunctionCode.from_inline(code),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
        )

    @staticmethod
    def _on_request(function: cloudfront.IFunction) -> cloudfront.FunctionAssociation:
        return cloudfront.FunctionAssociation(
            function=function, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
        )

    def _media_expiry(self) -> list[cloudfront.FunctionAssociation]:
        """One function on both events: it refuses ended pictures and bounds the browser's cache."""
        function = self._function("MediaExpiry", MEDIA_EXPIRY_JS.read_text(encoding="utf-8"))
        return [
            self._on_request(function),
            cloudfront.FunctionAssociation(
                function=function, event_type=cloudfront.FunctionEventType.VIEWER_RESPONSE
            ),
        ]

    def _media_cache_policy(self) -> cloudfront.CachePolicy:
        """`expires` is part of the key (a shortened crud's new URL is a new object to the cache); at most
        300 s at the edge whatever the object says, compressed like the other assets."""
        return cloudfront.CachePolicy(
            self,
            "MediaCache",
            comment="Cruddur pictures: keyed by expires, kept at most 300 s (docs/ops.md)",
            min_ttl=Duration.seconds(0),
            default_ttl=MEDIA_EDGE_TTL,
            max_ttl=MEDIA_EDGE_TTL,
            query_string_behavior=cloudfront.CacheQueryStringBehavior.allow_list("expires"),
            header_behavior=cloudfront.CacheHeaderBehavior.none(),
            cookie_behavior=cloudfront.CacheCookieBehavior.none(),
            enable_accept_encoding_gzip=True,
            enable_accept_encoding_brotli=True,
        )

    def _deploy_site(self, *, settings: InfraSettings, auth: AuthStack, domain_name: str) -> None:
        config = {
            "region": Aws.REGION,
            "userPoolId": auth.user_pool.user_pool_id,
            "userPoolClientId": auth.client.user_pool_client_id,
            "authFlowType": "USER_SRP_AUTH",
            "assetsBaseUrl": f"https://{domain_name}/assets",
        }
        # config.json is excluded from the site sync, so the two deployments never touch each other.
        s3deploy.BucketDeployment(
            self,
            "RuntimeConfig",
            sources=[s3deploy.Source.json_data("config.json", config)],
            destination_bucket=self.site_bucket,
            prune=False,
            distribution=self.distribution,
            distribution_paths=["/config.json"],
        )
        if (settings.spa_dir / "index.html").is_file():
            s3deploy.BucketDeployment(
                self,
                "SiteFiles",
                sources=[s3deploy.Source.asset(str(settings.spa_dir))],
                destination_bucket=self.site_bucket,
                exclude=["config.json"],
                distribution=self.distribution,
                distribution_paths=["/*"],
            )
        else:
            note = f"SPA build {settings.spa_dir} not found: only config.json is deployed (run `make spa`)"
            Annotations.of(self).add_warning_v2("cruddur:spa-missing", note)
        nag.suppress_provider(
            self,
            "Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C",
            "CDK's BucketDeployment copies the asset into the site bucket and invalidates CloudFront",
            managed=[nag.BASIC_EXECUTION],
            actions=["s3:GetObject*", "s3:GetBucket*", "s3:List*", "s3:DeleteObject*", "s3:Abort*"],
            resources=[
                "*",
                "arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*",
                f"{nag.arn(self.site_bucket)}/*",
            ],
        )
