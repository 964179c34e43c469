"""Auth stack: the Cognito user pool and SPA client, with the post-confirmation trigger."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds
from constructs import Construct

from cruddur_infra import nag
from cruddur_infra.components import grants
from cruddur_infra.components.python_function import PythonFunction
from cruddur_infra.settings import InfraSettings


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
        CfnOutput(self, "UserPoolClientId", value=self.client.user_pool_client_id)
