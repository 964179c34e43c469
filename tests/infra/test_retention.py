"""How long the platform keeps copies: the numbers docs/deletion.md promises, read from the templates."""

from __future__ import annotations

from tests.infra.support import Synth

DAY = 86400


def test_every_log_group_keeps_a_month(synth: Synth) -> None:
    groups = {
        (stack, name): group["Properties"]
        for stack in synth.templates
        for name, group in synth.resources(stack, "AWS::Logs::LogGroup").items()
    }
    assert groups, "the services, jobs, Lambdas and flow logs have log groups"
    assert {key: props.get("RetentionInDays") for key, props in groups.items()} == {key: 30 for key in groups}


def test_database_backups_are_kept_seven_days_and_a_snapshot_on_delete(synth: Synth) -> None:
    (db,) = synth.resources("CruddurData", "AWS::RDS::DBInstance").values()
    assert db["Properties"]["BackupRetentionPeriod"] == 7
    assert db["DeletionPolicy"] == db["UpdateReplacePolicy"] == "Snapshot"


def test_messages_table_keeps_point_in_time_recovery(synth: Synth) -> None:
    (table,) = synth.resources("CruddurData", "AWS::DynamoDB::Table").values()
    pitr = table["Properties"]["PointInTimeRecoverySpecification"]
    assert pitr["PointInTimeRecoveryEnabled"] is True
    assert pitr.get("RecoveryPeriodInDays", 35) == 35  # AWS's default window


def test_parked_stream_records_are_kept_fourteen_days(synth: Synth) -> None:
    queues = synth.resources("CruddurFunctions", "AWS::SQS::Queue")
    (dead_letters,) = [q["Properties"] for name, q in queues.items() if name.startswith("StreamDeadLetters")]
    assert dead_letters["MessageRetentionPeriod"] == 14 * DAY
