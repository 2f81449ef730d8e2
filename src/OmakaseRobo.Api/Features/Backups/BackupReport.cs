namespace OmakaseRobo.Api.Features.Backups;

/// <summary>What one run of verify-backups found, per table; <see cref="Ok"/> only when every check of every table passed.</summary>
internal sealed record BackupReport(DateTimeOffset CheckedAt, string Mode, bool Ok, IReadOnlyList<TableBackupReport> Tables)
{
    public const string Aws = "aws";
    public const string Local = "local";

    public static BackupReport From(DateTimeOffset checkedAt, string mode, IReadOnlyList<TableBackupReport> tables) =>
        new(checkedAt, mode, tables.All(t => t.Ok), tables);

    /// <summary>"table: check: reason" for every failed check.</summary>
    public IReadOnlyList<string> Failures() =>
        [.. Tables.SelectMany(t => t.Checks.Where(c => !c.Passed).Select(c => $"{t.Table}: {c.Name}: {c.Reason}"))];
}

internal sealed record TableBackupReport(
    string Table, bool Ok, DateTimeOffset? NewestBackupAt, IReadOnlyList<BackupCheck> Checks, RestoreTestResult? RestoreTest);

/// <summary>One named check; <see cref="Reason"/> says what was found, passed or not.</summary>
internal sealed record BackupCheck(string Name, bool Passed, string Reason)
{
    public const string PointInTimeRecovery = "point-in-time-recovery";
    public const string RecentBackup = "recent-backup";
    public const string Retention = "retention";
    public const string Encryption = "encryption";
    public const string Integrity = "integrity";
    public const string RestoreTest = "restore-test";
}

/// <summary>
/// The restore test of one table in this run: <see cref="Status"/> is passed, failed, in-progress (an AWS restore
/// still creating, picked up by the next run), or not-due (the last test is younger than RestoreTestEvery).
/// </summary>
internal sealed record RestoreTestResult(
    string Status,
    string? BackupId,
    DateTimeOffset? BackupAt,
    string? ScratchTable,
    long? ExpectedItems,
    long? RestoredItems,
    bool? CanaryFound,
    DateTimeOffset? LastPassedAt,
    string Reason)
{
    public const string Passed = "passed";
    public const string Failed = "failed";
    public const string InProgress = "in-progress";
    public const string NotDue = "not-due";

    /// <summary>The check this result stands for: only a failed restore test fails it.</summary>
    public BackupCheck ToCheck() => new(BackupCheck.RestoreTest, Status != Failed, Reason);
}
