"""Disappearing messages on a table whose TTL does nothing (the local emulator): delete them ourselves.

In AWS the table's TTL attribute `ttl` (epoch seconds) has DynamoDB delete an expired message, usually
within a day or two; every read filters on `expires_at` meanwhile, so the moment a message disappears
does not depend on either. Locally devstack's janitor calls `sweep_expired` every `JANITOR_INTERVAL`
seconds. A held message (a report's evidence, moderation/repository.py) has no `ttl`, so neither
deletes it; its last hold's release gives the `ttl` back.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from messaging_service.conversations.repository import TTL, Table

_EXPIRED = "#ttl <= :now"


async def sweep_expired(table: Table, *, now: datetime) -> int:
    """Delete every item whose `ttl` is at or before `now`; returns how many were deleted.

    A paginated Scan with a filter (fine for a local table; AWS never runs this), then one conditional
    DeleteItem per item: an item held or changed since the Scan no longer matches and stays.
    """
    values = {":now": {"N": str(math.floor(now.timestamp()))}}
    names = {"#ttl": TTL}
    deleted = 0
    start: dict[str, Any] | None = None
    while True:
        page = {"ExclusiveStartKey": start} if start is not None else {}
        response = await table.client.scan(
            TableName=table.name,
            FilterExpression=_EXPIRED,
            ProjectionExpression="pk, sk",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            **page,
        )
        for key in response.get("Items", []):
            try:
                await table.client.delete_item(
                    TableName=table.name,
                    Key=key,
                    ConditionExpression=_EXPIRED,
                    ExpressionAttributeNames=names,
                    ExpressionAttributeValues=values,
                )
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                continue
            deleted += 1
        start = response.get("LastEvaluatedKey")
        if start is None:
            return deleted
