"""The local poller's position in each shard, kept in a small DynamoDB table beside the stream.

It lives in the same moto as the stream on purpose: moto's state is saved and restored as one, so a
restored older snapshot rolls the stream and its checkpoints back together (a file could get ahead of
the stream and skip records whose sequence numbers moto hands out again).
"""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import ClientError

log = logging.getLogger("messaging.stream_poller")


class Checkpoints:
    """Last applied sequence number per shard, per consumer and stream (a new table = a new stream ARN)."""

    def __init__(self, *, client: Any, table: str, consumer: str = "local-poller") -> None:
        self._client = client
        self._table = table
        self._consumer = consumer
        self._saved: dict[str, str] = {}

    def _key(self, stream_arn: str) -> str:
        return f"{self._consumer}#{stream_arn}"

    async def load(self, stream_arn: str) -> dict[str, str]:
        """The saved positions of this stream's shards ({} when there are none or no table)."""
        try:
            response = await self._client.query(
                TableName=self._table,
                KeyConditionExpression="stream = :s",
                ExpressionAttributeValues={":s": {"S": self._key(stream_arn)}},
                ConsistentRead=True,
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            log.warning("no checkpoint table %s: the poller replays the stream on restart", self._table)
            return {}
        positions = {i["shard_id"]["S"]: i["sequence_number"]["S"] for i in response.get("Items", [])}
        self._saved = dict(positions)
        return positions

    async def save(self, stream_arn: str, shard_id: str, sequence_number: str) -> None:
        """Remember a shard's last applied record (one PutItem, only when it moved)."""
        if self._saved.get(shard_id) == sequence_number:
            return
        try:
            await self._client.put_item(
                TableName=self._table,
                Item={
                    "stream": {"S": self._key(stream_arn)},
                    "shard_id": {"S": shard_id},
                    "sequence_number": {"S": sequence_number},
                },
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            return  # no table: in-memory positions only (warned once at load)
        self._saved[shard_id] = sequence_number
