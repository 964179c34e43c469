"""Compose every Cruddur stack in deploy order; `infra/app.py` and the tests both call this."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import App, Environment, Stack, Tags

from cruddur_infra import nag
from cruddur_infra.connections import max_connections
from cruddur_infra.settings import EDGE_REGION, InfraSettings
from cruddur_infra.stacks.auth import AuthStack
from cruddur_infra.stacks.billing import BillingStack
from cruddur_infra.stacks.compute import ComputeStack
from cruddur_infra.stacks.data import DataStack
from cruddur_infra.stacks.edge import EdgeStack
from cruddur_infra.stacks.frontend import FrontendStack
from cruddur_infra.stacks.functions import FunctionsStack
from cruddur_infra.stacks.network import NetworkStack
from cruddur_infra.stacks.ops import DataTier, OpsStack
from cruddur_infra.stacks.pipeline import PipelineStack


@dataclass(frozen=True, slots=True)
class CruddurStacks:
    """Handles on every stack, for tests and for wiring."""

    network: NetworkStack
    data: DataStack
    functions: FunctionsStack
    auth: AuthStack
    compute: ComputeStack
    edge: EdgeStack
    frontend: FrontendStack
    ops: OpsStack
    billing: BillingStack
    pipeline: PipelineStack

    def all(self) -> list[Stack]:
        """Every stack, in deploy order."""
        return [getattr(self, name) for name in self.__dataclass_fields__]


def build(app: App, *, settings: InfraSettings | None = None) -> CruddurStacks:
    """Add all stacks to `app`; main stacks are env-agnostic, edge and billing pinned to us-east-1."""
    settings = settings or InfraSettings.from_context(app.node)
    edge_env = Environment(region=EDGE_REGION)
    network = NetworkStack(app, "CruddurNetwork", nat_gateways=settings.nat_gateways)
    data = DataStack(
        app,
        "CruddurData",
        settings=settings,
        vpc=network.vpc,
        database_sg=network.database_sg,
        cache_sg=network.cache_sg,
        lambda_sg=network.lambda_sg,
        termination_protection=True,
    )
    functions = FunctionsStack(
        app,
        "CruddurFunctions",
        settings=settings,
        vpc=network.vpc,
        lambda_sg=network.lambda_sg,
        messages_table=data.messages_table,
        internal_secret=data.internal_secret,
    )
    auth = AuthStack(
        app,
        "CruddurAuth",
        settings=settings,
        vpc=network.vpc,
        lambda_sg=network.lambda_sg,
        database_secret=data.service_db_secrets["user"],
    )
    compute = ComputeStack(
        app, "CruddurCompute", settings=settings, network=network, data=data, auth=auth, functions=functions
    )
    edge = EdgeStack(app, "CruddurEdge", env=edge_env)
    frontend = FrontendStack(
        app,
        "CruddurFrontend",
        settings=settings,
        load_balancer=compute.load_balancer,
        assets_bucket=functions.assets_bucket,
        domain_name=functions.domain_name,
        auth=auth,
    )
    ops = OpsStack(
        app,
        "CruddurOps",
        services=compute.services,
        load_balancer=compute.load_balancer,
        functions={
            "pre_sign_up": auth.pre_sign_up,
            "post_confirmation": auth.post_confirmation,
            "avatar_processor": functions.avatar_processor,
            "messaging_stream": functions.stream_consumer,
        },
        dead_letters=functions.dead_letters,
        data_tier=DataTier(
            database=data.database,
            max_connections=max_connections(settings.database_class),
            burstable=settings.database_class.startswith("t"),
            stream_function=functions.stream_consumer,
        ),
        jobs=compute.jobs,
    )
    billing = BillingStack(app, "CruddurBilling", env=edge_env)
    pipeline = PipelineStack(
        app,
        "CruddurPipeline",
        services=compute.services,
        jobs=compute.jobs,
        repositories=dict(data.repositories),
    )
    stacks = CruddurStacks(
        network=network,
        data=data,
        functions=functions,
        auth=auth,
        compute=compute,
        edge=edge,
        frontend=frontend,
        ops=ops,
        billing=billing,
        pipeline=pipeline,
    )
    for stack in stacks.all():
        Tags.of(stack).add("project", "cruddur")
    nag.check(app)
    return stacks
