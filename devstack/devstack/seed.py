"""Demo data through the product's own front doors: Cognito sign-up (which runs the triggers) and the API."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from devstack import config as c
from devstack.aws_bootstrap import add_moderator

log = logging.getLogger("devstack.seed")
TARGET = "AWSCognitoIdentityProviderService."


@dataclass(frozen=True)
class DemoUser:
    """One of the original Cruddur's demo users."""

    handle: str
    name: str
    email: str


DEMO_USERS = (
    DemoUser("andrewbrown", "Andrew Brown", "andrew@exampro.co"),
    DemoUser("altbrown", "Alt Brown", "andrew@cloudprojectbootcamp.com"),
    DemoUser("bayko", "Andrew Bayko", "bayko@exampro.co"),
    DemoUser("londo", "Londo Mollari", "lmollari@centari.com"),
)
DEMO_MODERATOR = "andrew@exampro.co"  # @andrewbrown moderates in `make run`
DEMO_CRUDS = (
    ("andrewbrown", "This was imported as seed data! #cruddur", "30-days"),
    ("altbrown", "I am the other! #cruddur", "7-days"),
    ("bayko", "Who am I? Why am I here? #babylon5", "3-days"),
    (
        "londo",
        "Ah, arrogance and stupidity all in the same package. How efficient of you. #babylon5",
        "1-day",
    ),
)


def cognito(gateway_url: str, action: str, payload: dict[str, Any]) -> httpx.Response:
    """Call the local Cognito through the gateway's proxy (so the triggers run)."""
    return httpx.post(
        f"{gateway_url}/cognito/",
        json=payload,
        headers={"x-amz-target": TARGET + action, "content-type": "application/x-amz-json-1.1"},
        timeout=30,
    )


def sign_up(gateway_url: str, client_id: str, user: DemoUser, password: str) -> None:
    """Sign up and confirm a user unless Cognito already has them."""
    response = cognito(
        gateway_url,
        "SignUp",
        {
            "ClientId": client_id,
            "Username": user.email,
            "Password": password,
            "UserAttributes": [
                {"Name": "email", "Value": user.email},
                {"Name": "name", "Value": user.name},
                {"Name": "preferred_username", "Value": user.handle},
            ],
        },
    )
    if response.status_code != 200:
        if "UsernameExistsException" in response.text:
            return
        raise RuntimeError(f"sign-up of {user.handle} failed: {response.text}")
    confirmed = cognito(
        gateway_url,
        "ConfirmSignUp",
        {"ClientId": client_id, "Username": user.email, "ConfirmationCode": "000000"},
    )
    if confirmed.status_code != 200:
        raise RuntimeError(f"confirming {user.handle} failed: {confirmed.text}")


def sign_in(gateway_url: str, client_id: str, email: str, password: str) -> str:
    """An access token for the user (USER_PASSWORD_AUTH, as the SPA does locally)."""
    response = cognito(
        gateway_url,
        "InitiateAuth",
        {
            "ClientId": client_id,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": email, "PASSWORD": password},
        },
    )
    response.raise_for_status()
    return str(response.json()["AuthenticationResult"]["AccessToken"])


def seed_demo(*, gateway_url: str, client_id: str, data_dir: Path, aws_url: str | None = None) -> None:
    """Demo users (with real Cognito accounts) and their cruds; each part runs once per data dir.

    With `aws_url` (the local Cognito's own endpoint) @andrewbrown is put in the moderators group.
    """
    marker = data_dir / "seeded"
    done = set(marker.read_text().split()) if marker.exists() else set()
    parts = {"cruds", "social", "messages", *(("moderator",) if aws_url else ())}
    if parts <= done:  # a restart with the demo data in place: nothing to do
        return
    for user in DEMO_USERS:
        sign_up(gateway_url, client_id, user, c.DEMO_PASSWORD)
    if aws_url is not None:
        add_moderator(aws_url, DEMO_MODERATOR)
        done.add("moderator")
    tokens = {u.handle: sign_in(gateway_url, client_id, u.email, c.DEMO_PASSWORD) for u in DEMO_USERS}
    with httpx.Client(base_url=gateway_url, timeout=30) as http:
        for handle in tokens:  # make sure every user row exists (repairs a failed trigger too)
            http.get(
                "/api/users/me", headers={"authorization": f"Bearer {tokens[handle]}"}
            ).raise_for_status()
        if "cruds" not in done:
            for handle, message, ttl in DEMO_CRUDS:
                response = http.post(
                    "/api/activities",
                    json={"message": message, "ttl": ttl},
                    headers={"authorization": f"Bearer {tokens[handle]}"},
                )
                if response.status_code == 404:  # the activity API is not there yet
                    break
                response.raise_for_status()
            else:
                done.add("cruds")
        if "social" not in done and "cruds" in done:
            _seed_social(http, tokens)
            done.add("social")
        if "messages" not in done:
            _seed_conversation(http, tokens)
            done.add("messages")
    marker.write_text("\n".join(sorted(done)))


def _seed_social(http: httpx.Client, tokens: dict[str, str]) -> None:
    """The demo users follow each other, and the first crud gets a reply and a like."""
    auth = {h: {"authorization": f"Bearer {t}"} for h, t in tokens.items()}
    for follower in tokens:
        for followee in tokens:
            if follower != followee:
                http.put(f"/api/users/@{followee}/follow", headers=auth[follower]).raise_for_status()
    first = http.get("/api/activities/@andrewbrown", params={"limit": 1}).json()["activities"]
    if first:
        crud = first[0]["uuid"]
        http.post(
            f"/api/activities/{crud}/reply",
            json={"message": "Welcome to Cruddur! @andrewbrown"},
            headers=auth["bayko"],
        ).raise_for_status()
        http.put(f"/api/activities/{crud}/like", headers=auth["londo"]).raise_for_status()


DEMO_CONVERSATION = (
    ("andrewbrown", "Hey Bayko, did you see the new expiry picker? Cruds can live for an hour now."),
    ("bayko", "I did. Everything I post disappears before anyone can disagree with it."),
    ("andrewbrown", "That is the whole idea. Regret it? We'll forget it."),
    ("bayko", "Then I'll crud about it for exactly one hour."),
)


def _seed_conversation(http: httpx.Client, tokens: dict[str, str]) -> None:
    """A direct conversation between the first two demo users, like the original's seed."""
    group: str | None = None
    for sender, text in DEMO_CONVERSATION:
        other = "bayko" if sender == "andrewbrown" else "andrewbrown"
        body = {"message": text, "message_group_uuid": group} if group else {"message": text, "handle": other}
        response = http.post(
            "/api/messages", json=body, headers={"authorization": f"Bearer {tokens[sender]}"}
        )
        response.raise_for_status()
        group = response.json()["message_group_uuid"]
