"""Auth stack: the Cognito user pool and SPA client, with the post-confirmation trigger."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from cruddur_infra import nag
from cruddur_infra.components import grants
from cruddur_infra.components.python_function import PythonFunction
from cruddur_infra.components.waf import rate_per_ip_rule, visibility
from cruddur_infra.settings import InfraSettings

MODERATORS = "moderators"  # cruddur_common.auth.MODERATORS: the group the access token's cognito:groups names
SIGN_UP_TARGET = "AWSCognitoIdentityProviderService.SignUp"
# WAF's rate-based rules count over 1-10 minutes with a floor of 10 requests: the closest AWS gets to the
# local proxy's 5 sign-ups per 30 minutes is 10 SignUp calls per IP per 10 minutes (docs/rate-limits.md).
SIGN_UP_WINDOW_SECONDS = 600


class AuthStack(Stack):
    """Email sign-in with name and preferred_username, like the local emulator's pool."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: InfraSettings,
        vpc: ec2.IVpc,
        lambda_sg: ec2.ISecurityGroup,
        database: rds.DatabaseInstance,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        secret = database.secret
        assert secret is not None
        self.post_confirmation = PythonFunction(
            self,
            "PostConfirmation",
            name="post_confirmation",
            handler="user_service.lambdas.post_confirmation.handler",
            artifact=settings.lambda_zip("post_confirmation"),
            environment={
                # The whole connection (host, port, dbname, user, password) comes from the secret.
                "DB_SECRET_ARN": secret.secret_arn,
            },
            vpc=vpc,
            security_group=lambda_sg,
        ).function
        self.post_confirmation.add_to_role_policy(grants.read_secret(secret))
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name="cruddur",
            self_sign_up_enabled=True,
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                fullname=cognito.StandardAttribute(required=True, mutable=True),
                preferred_username=cognito.StandardAttribute(required=True, mutable=True),
            ),
            password_policy=cognito.PasswordPolicy(
                min_length=8,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            lambda_triggers=cognito.UserPoolTriggers(post_confirmation=self.post_confirmation),
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.client = self.user_pool.add_client(
            "SpaClient",
            user_pool_client_name="cruddur-spa",
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_srp=True),
            prevent_user_existence_errors=True,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
        )
        cognito.CfnUserPoolGroup(
            self,
            "Moderators",
            user_pool_id=self.user_pool.user_pool_id,
            group_name=MODERATORS,
            description="Moderators: the moderation queue and its actions (docs/moderation.md)",
        )
        self.sign_up_acl = self._sign_up_waf()
        nag.suppress(
            self.user_pool,
            ("AwsSolutions-COG2", "MFA is optional for a public social app; offered later as a user setting"),
            (
                "AwsSolutions-COG3",
                "Threat protection is billed per active user; enable it in ops.md when needed",
            ),
            ("AwsSolutions-COG8", "Plus tier is billed per active user; Essentials covers email sign-in"),
        )
        CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id)
        CfnOutput(self, "SignUpWebAclArn", value=self.sign_up_acl.attr_arn)
        CfnOutput(self, "UserPoolClientId", value=self.client.user_pool_client_id)

    def _sign_up_waf(self) -> wafv2.CfnWebACL:
        """A REGIONAL web ACL on the user pool: SignUp calls per IP, rate-limited (the CloudFront ACL of
        CruddurEdge never sees them: the SPA calls Cognito's own endpoint)."""
        limit = CfnParameter(
            self,
            "SignUpsPerIpPerTenMinutes",
            type="Number",
            default=10,
            min_value=10,  # WAF's floor for a rate-based rule
            description="SignUp calls one IP may make in 10 minutes before WAF blocks its sign-ups",
        )
        is_sign_up = wafv2.CfnWebACL.StatementProperty(
            byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(single_header={"Name": "x-amz-target"}),
                positional_constraint="EXACTLY",
                search_string=SIGN_UP_TARGET,
                text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")],
            )
        )
        acl = wafv2.CfnWebACL(
            self,
            "SignUpWebAcl",
            name="cruddur-sign-ups",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            rules=[
                rate_per_ip_rule(
                    "SignUpsPerIp",
                    priority=0,
                    limit=limit.value_as_number,
                    window_seconds=SIGN_UP_WINDOW_SECONDS,
                    scope_down=is_sign_up,
                )
            ],
            visibility_config=visibility("cruddur-sign-ups"),
        )
        wafv2.CfnWebACLAssociation(
            self,
            "SignUpWebAclAssociation",
            resource_arn=self.user_pool.user_pool_arn,
            web_acl_arn=acl.attr_arn,
        )
        return acl
