"""Auth stack: the Cognito user pool and SPA client, its pre-sign-up and post-confirmation triggers."""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from cruddur_infra import nag
from cruddur_infra.components import grants
from cruddur_infra.components.python_function import PythonFunction
from cruddur_infra.components.waf import log_requests, rate_per_ip_rule, visibility
from cruddur_infra.needs import service_urls
from cruddur_infra.settings import InfraSettings

MODERATORS = "moderators"  # cruddur_common.auth.MODERATORS: the group the access token's cognito:groups names
SIGN_UP_TARGET = "AWSCognitoIdentityProviderService.SignUp"
# WAF's rate-based rules count over 1-10 minutes with a floor of 10 requests: the closest AWS gets to the
# local proxy's 5 sign-ups per 30 minutes is 10 SignUp calls per IP per 10 minutes (docs/rate-limits.md).
SIGN_UP_WINDOW_SECONDS = 600
# Executions set aside for each Cognito trigger: a flood of other Lambdas (the stream, the avatar
# processor) cannot take the account's pool and fail sign-ups; it is also the most sign-ups in flight.
TRIGGER_CONCURRENCY = 10


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
        database_secret: secretsmanager.ISecret,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        secret = database_secret
        # Both triggers ship in the post-confirmation zip (user_service.lambdas) and reach the database as
        # the user service (its login, `cruddur/database/user`), never as the admin.
        self.pre_sign_up, self.post_confirmation = (
            self._trigger(construct, name, settings=settings, secret=secret, vpc=vpc, lambda_sg=lambda_sg)
            for construct, name in (("PreSignUp", "pre_sign_up"), ("PostConfirmation", "post_confirmation"))
        )
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
            # PreSignUp refuses a malformed or taken handle before the account exists; without it a taken
            # handle passes sign-up and confirmation, and post-confirmation then fails (docs/user.md).
            lambda_triggers=cognito.UserPoolTriggers(
                pre_sign_up=self.pre_sign_up, post_confirmation=self.post_confirmation
            ),
            # Two-factor sign-in is each user's choice (ACCOUNT-CONTRACT.md §3): an authenticator app only;
            # SMS would need an SNS role, a spend limit and an origination number.
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(sms=False, otp=True),
            # Threat protection needs the Plus tier. AUDIT_ONLY scores and logs risky sign-ins (compromised
            # credentials, unusual devices) without blocking anyone; enforce once the findings are understood.
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.AUDIT_ONLY,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self._send_email_with_ses()
        self.client = self.user_pool.add_client(
            "SpaClient",
            user_pool_client_name="cruddur-spa",
            generate_secret=False,
            # USER_PASSWORD_AUTH besides SRP: re-authentication before deleting the account or turning 2FA
            # off gets a fresh access token with InitiateAuth (ACCOUNT-CONTRACT.md §3). The password goes over
            # TLS to Cognito, as with the hosted UI; sign-in itself keeps SRP.
            auth_flows=cognito.AuthFlow(user_srp=True, user_password=True),
            # The SPA signs in with the Cognito API, never through the hosted UI: no OAuth flows (the
            # default would allow the implicit grant to the placeholder https://example.com).
            disable_o_auth=True,
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
            ("AwsSolutions-COG2", "MFA is optional for a public social app: each user turns it on"),
            (
                "AwsSolutions-COG3",
                "Threat protection runs in audit mode first; switch to ENFORCED per docs/ops.md",
            ),
        )
        CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id)
        CfnOutput(self, "SignUpWebAclArn", value=self.sign_up_acl.attr_arn)
        CfnOutput(self, "UserPoolClientId", value=self.client.user_pool_client_id)

    def _trigger(
        self,
        construct_id: str,
        name: str,
        *,
        settings: InfraSettings,
        secret: secretsmanager.ISecret,
        vpc: ec2.IVpc,
        lambda_sg: ec2.ISecurityGroup,
    ) -> lambda_.IFunction:
        """A Cognito trigger from the post-confirmation zip, in the VPC, reading the database secret."""
        function = PythonFunction(
            self,
            construct_id,
            name=name,
            handler=f"user_service.lambdas.{name}.handler",
            artifact=settings.lambda_zip("post_confirmation"),
            environment={
                # The whole connection (host, port, dbname, user, password) comes from the secret.
                "DB_SECRET_ARN": secret.secret_arn,
                **service_urls(service_connect=False),
            },
            vpc=vpc,
            security_group=lambda_sg,
            reserved_concurrency=TRIGGER_CONCURRENCY,
        ).function
        function.add_to_role_policy(grants.read_secret(secret))
        return function

    def _send_email_with_ses(self) -> None:
        """Verification and reset emails through SES: Cognito's own sender allows a few dozen a day."""
        identity = CfnParameter(
            self,
            "SesIdentity",
            description="SES identity (verified, out of the sandbox) in this region, e.g. cruddur.com",
        ).value_as_string
        sender = CfnParameter(
            self,
            "EmailFrom",
            description="Sender of Cognito's emails, an address of that identity, e.g. no-reply@cruddur.com",
        ).value_as_string
        pool = self.user_pool.node.default_child
        assert isinstance(pool, cognito.CfnUserPool)
        pool.email_configuration = cognito.CfnUserPool.EmailConfigurationProperty(
            email_sending_account="DEVELOPER",
            from_=f"Cruddur <{sender}>",
            source_arn=f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}:identity/{identity}",
        )

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
        log_requests(self, acl, "cruddur-sign-ups")
        return acl
