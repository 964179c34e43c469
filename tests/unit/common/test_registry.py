"""The routing registry: every path of the original API reaches the intended service."""

from __future__ import annotations

from pathlib import Path

import pytest

from cruddur_common.registry import MAX_PATTERNS_PER_RULE, load_registry, route, service

UUID = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399"
# (path, service) for the original Cruddur API (reference §1.2) and the endpoints added since.
EXPECTED = [
    ("/api/activities/home", "activity"),
    ("/api/activities/explore", "activity"),
    ("/api/activities/search", "activity"),
    ("/api/activities/trending", "activity"),
    ("/api/activities", "activity"),
    (f"/api/activities/{UUID}/reply", "activity"),
    (f"/api/activities/{UUID}/like", "activity"),
    (f"/api/activities/{UUID}/repost", "activity"),
    ("/api/activities/@andrewbrown", "activity"),
    (f"/api/activities/@andrewbrown/status/{UUID}", "activity"),
    ("/api/activities/notifications", "notification"),
    ("/api/notifications", "notification"),
    ("/api/notifications/read", "notification"),
    ("/api/notifications/stream", "notification"),
    ("/api/users/@andrewbrown/short", "user"),
    ("/api/users/me", "user"),
    ("/api/users/suggested", "user"),
    ("/api/users/@bayko/follow", "user"),
    ("/api/profile/update", "user"),
    ("/api/profile/avatar", "user"),
    ("/avatars/key_upload", "user"),
    ("/api/message_groups", "messaging"),
    ("/api/message_groups/@bayko", "messaging"),
    (f"/api/messages/{UUID}", "messaging"),
    ("/api/messages", "messaging"),
]


@pytest.mark.parametrize(("path", "name"), EXPECTED)
def test_original_paths_route_to_their_service(path: str, name: str) -> None:
    entry = route(path)
    assert entry is not None and entry.name == name


@pytest.mark.parametrize(
    "path",
    [
        "/internal/users/by-sub/x",
        "/internal/notifications/events",
        "/api",
        "/api/unknown",
        "/api/activitiesx",
        "/health",
        "/ready",
        "/",
        "/docs",
    ],
)
def test_internal_and_unknown_paths_are_not_routed(path: str) -> None:
    assert route(path) is None


def test_notifications_rule_outranks_activities() -> None:
    assert service("notification").priority < service("activity").priority


def test_registry_is_consistent() -> None:
    entries = load_registry()
    assert [e.name for e in entries] == sorted((e.name for e in entries), key=lambda n: service(n).priority)
    assert {e.name for e in entries} == {"activity", "user", "messaging", "notification"}
    assert len({e.port for e in entries}) == len(entries)
    assert all(1 <= len(rule.paths) <= MAX_PATTERNS_PER_RULE for e in entries for rule in e.rules)
    priorities = [rule.priority for e in entries for rule in e.rules]
    assert len(set(priorities)) == len(priorities)


def test_a_service_with_more_than_five_patterns_gets_one_rule_per_five() -> None:
    user = service("user")
    assert len(user.paths) > MAX_PATTERNS_PER_RULE
    assert [rule.priority for rule in user.rules] == [user.priority, user.priority + 1]
    assert sum((rule.paths for rule in user.rules), ()) == user.paths
    assert route("/api/moderation/reports") is user
    assert route("/api/reports") is user


def test_wildcards_follow_alb_semantics() -> None:
    activity = service("activity")
    assert activity.matches("/api/activities/anything/at/all")
    assert not activity.matches("/API/activities/home")  # ALB path matching is case-sensitive


def test_a_split_rule_may_not_take_the_next_services_priority(tmp_path: Path) -> None:
    def entry(name: str, priority: int, port: int, paths: list[str]) -> str:
        return (
            f'[[service]]\nname = "{name}"\npriority = {priority}\npaths = {paths!r}\nport = {port}\n'
            'health_path = "/health"\nready_path = "/ready"\ncpu = 256\nmemory = 512\n'
        ).replace("'", '"')

    file = tmp_path / "registry.toml"
    six = [f"/api/a{i}" for i in range(6)]  # two rules: 10 and 11
    file.write_text(entry("a", 10, 1, six) + entry("b", 11, 2, ["/api/b"]))
    with pytest.raises(ValueError, match="duplicate service priority"):
        load_registry(str(file))
