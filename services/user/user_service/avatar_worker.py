"""Local avatar worker: long-polls the SQS queue that the uploads bucket notifies, runs the Lambda's code.

`python -m user_service.avatar_worker` (devstack starts it). In AWS the same pipeline runs as the
avatar_processor Lambda (avatars and crud pictures alike: the key's kind decides). Failed messages stay
in the queue and come back after the visibility timeout; after MAX_RECEIVES attempts a message is
dropped with an error log (the local stand-in for a DLQ).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from cruddur_common.aws import AwsClients
from cruddur_common.logging import configure_logging
from user_service.avatars.pipeline import Processor, open_processor, process_event
from user_service.settings import Settings, get_settings

log = logging.getLogger("user_service.avatar_worker")
WAIT_SECONDS = 5
VISIBILITY_SECONDS = 60
MAX_RECEIVES = 5


def sqs_event(messages: list[dict[str, Any]], *, queue_url: str) -> dict[str, Any]:
    """The Lambda SQS event for received messages (the shape AWS hands a Lambda)."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_url,
                "awsRegion": "us-east-1",
            }
            for m in messages
        ]
    }


async def poll_once(
    sqs: Any, processor: Processor, *, queue_url: str, wait_seconds: int = WAIT_SECONDS
) -> int:
    """Receive one batch, process it, delete what succeeded (and what failed too often); returns the count."""
    response = await sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=10,
        WaitTimeSeconds=wait_seconds,
        VisibilityTimeout=VISIBILITY_SECONDS,
        AttributeNames=["ApproximateReceiveCount"],
    )
    messages = response.get("Messages", [])
    if not messages:
        return 0
    result = await process_event(sqs_event(messages, queue_url=queue_url), processor=processor)
    failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
    for message in messages:
        receives = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
        if message["MessageId"] in failed and receives < MAX_RECEIVES:
            continue
        if message["MessageId"] in failed:
            log.error(
                "dropping avatar message after %s attempts", receives, extra={"body": message["Body"][:500]}
            )
        await sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return len(messages)


async def _to_thread(func: Any, /, *args: Any, **kwargs: Any) -> Any:
    return await asyncio.to_thread(func, *args, **kwargs)


async def run(settings: Settings, stop: asyncio.Event) -> None:
    """Poll until `stop` is set."""
    if not settings.avatar_queue_url:
        raise RuntimeError("avatar worker: AVATAR_QUEUE_URL is not set")
    sqs_clients = AwsClients()
    await sqs_clients.open(settings, "sqs")
    try:
        async with open_processor(settings, run_cpu=_to_thread) as processor:
            log.info("avatar worker polling", extra={"queue_url": settings.avatar_queue_url})
            stopping = asyncio.create_task(stop.wait())
            while not stop.is_set():
                poll = asyncio.create_task(
                    poll_once(sqs_clients["sqs"], processor, queue_url=settings.avatar_queue_url)
                )
                await asyncio.wait({poll, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not poll.done():  # stopping: unfinished messages come back after the visibility timeout
                    poll.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await poll
                    break
                if poll.exception() is not None:
                    log.error("avatar worker: polling failed; retrying", exc_info=poll.exception())
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(asyncio.shield(stopping), timeout=2)
    finally:
        await sqs_clients.close()


def main() -> None:
    """Run until SIGTERM/SIGINT."""
    settings = get_settings()
    configure_logging(service="avatar_worker", level=settings.log_level)

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await run(settings, stop)

    asyncio.run(serve())


if __name__ == "__main__":
    main()
