using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OmakaseRobo.Api.Features.Backups;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Backups;

/// <summary>The AWS verifier against the real SDK client, with DynamoDB answering in the shapes its API reference documents.</summary>
public sealed class AwsBackupVerifierTests : IDisposable
{
    private const string Main = "omakase-prod-main";
    private const string Audit = "omakase-prod-audit";
    private const string Prefix = "omakase-prod-restore-test-";

    // 20:00 UTC, when the verify-backups rule fires; the plan's backups start at 17:00.
    private static readonly DateTimeOffset RunAt = new(2026, 11, 26, 20, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LastNight = new(2026, 11, 26, 17, 5, 0, TimeSpan.Zero);

    private readonly CannedDynamoDb aws = new();
    private readonly FakeTimeProvider clock = new(RunAt);
    private readonly Amazon.DynamoDBv2.IAmazonDynamoDB client;
    private readonly AwsBackupVerifier verifier;

    public AwsBackupVerifierTests()
    {
        client = aws.Client();
        var options = new OmakaseOptions
        {
            Stage = "prod",
            Tables = new TableOptions { Main = Main, Audit = Audit },
            Keys = new KeyOptions { KmsKeyId = CannedDynamoDb.KeyArn },
            Backups = new BackupOptions { VaultName = "omakase-prod-vault", RestoreTablePrefix = Prefix },
        };
        var canary = new BackupCanary(client);
        verifier = new AwsBackupVerifier(client, canary, new AwsRestoreTest(client, canary, new RestoreTestStore(client, options), options), options, clock);
        foreach (var table in new[] { Main, Audit })
        {
            aws.AddBackup(table, LastNight);
            aws.AddBackup(table, LastNight.AddDays(-1));
            aws.AddBackup(table, LastNight.AddDays(-29));
        }
    }

    [Fact]
    public async Task Healthy_backups_pass_every_check_and_the_newest_is_restored_counted_and_dropped()
    {
        var report = await verifier.VerifyAsync(CancellationToken.None);

        Assert.True(report.Ok, string.Join("\n", report.Failures()));
        Assert.Equal(BackupReport.Aws, report.Mode);
        var main = report.Tables.Single(t => t.Table == Main);
        Assert.Equal(LastNight, main.NewestBackupAt);
        Assert.Equal(
            [BackupCheck.PointInTimeRecovery, BackupCheck.RecentBackup, BackupCheck.Retention, BackupCheck.Encryption, BackupCheck.RestoreTest],
            main.Checks.Select(c => c.Name));
        var restore = main.RestoreTest!;
        Assert.Equal(RestoreTestResult.Passed, restore.Status);
        Assert.Equal(1200, restore.ExpectedItems);
        Assert.Equal(1187, restore.RestoredItems);
        Assert.True(restore.CanaryFound);
        Assert.Equal($"{Prefix}{Main}-20261126200000", restore.ScratchTable);

        // What was asked, and how.
        // Calls naming a backup ARN go to the SDK's account endpoint (111122223333.ddb...), the rest to the regional one: all in Tokyo.
        Assert.All(aws.Service.Hosts, host => Assert.EndsWith(".ap-northeast-1.amazonaws.com", host, StringComparison.Ordinal));
        Assert.Equal(Main, aws.Requests("DescribeContinuousBackups")[0].GetProperty("TableName").GetString());
        Assert.Equal(["ALL", "AWS_BACKUP"], aws.Requests("ListBackups").Take(2).Select(b => b.GetProperty("BackupType").GetString()));
        Assert.Equal(aws.Backups[0].BackupArn, aws.Requests("DescribeBackup")[0].GetProperty("BackupArn").GetString());
        var restoreRequest = aws.Requests("RestoreTableFromBackup")[0];
        Assert.Equal(aws.Backups[0].BackupArn, restoreRequest.GetProperty("BackupArn").GetString());
        Assert.Equal(restore.ScratchTable, restoreRequest.GetProperty("TargetTableName").GetString());
        Assert.Equal("PAY_PER_REQUEST", restoreRequest.GetProperty("BillingModeOverride").GetString());
        var sse = restoreRequest.GetProperty("SSESpecificationOverride");
        Assert.True(sse.GetProperty("Enabled").GetBoolean());
        Assert.Equal("KMS", sse.GetProperty("SSEType").GetString());
        Assert.Equal(CannedDynamoDb.KeyArn, sse.GetProperty("KMSMasterKeyId").GetString());
        var scans = aws.Requests("Scan").Where(s => s.GetProperty("TableName").GetString() == restore.ScratchTable).ToList();
        Assert.Equal(2, scans.Count); // both pages of the count
        Assert.All(scans, s => Assert.Equal("COUNT", s.GetProperty("Select").GetString()));
        Assert.Equal([$"{Prefix}{Main}-20261126200000", $"{Prefix}{Audit}-20261126200000"], aws.DeletedTables);
        // The canary is refreshed in each live table for the next backup.
        Assert.Contains(aws.Requests("PutItem"), p => p.GetProperty("TableName").GetString() == Main
            && p.GetProperty("Item").GetProperty("pk").GetProperty("S").GetString() == "CANARY");
    }

    [Fact]
    public async Task Point_in_time_recovery_turned_off_fails_verification()
    {
        aws.PointInTimeRecovery = "DISABLED";

        var report = await verifier.VerifyAsync(CancellationToken.None);

        Assert.False(report.Ok);
        var check = report.Tables[0].Checks.Single(c => c.Name == BackupCheck.PointInTimeRecovery);
        Assert.False(check.Passed);
        Assert.Contains("DISABLED", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_newest_backup_older_than_26_hours_fails_as_no_recent_backup()
    {
        aws.Backups.RemoveAll(b => b.CreatedAt == LastNight);

        var report = await verifier.VerifyAsync(CancellationToken.None);

        Assert.False(report.Ok);
        var check = report.Tables[0].Checks.Single(c => c.Name == BackupCheck.RecentBackup);
        Assert.False(check.Passed);
        Assert.StartsWith("no recent backup", check.Reason, StringComparison.Ordinal);
        Assert.Contains(report.Failures(), f => f.StartsWith($"{Main}: recent-backup: no recent backup", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_backup_still_creating_does_not_count_as_recent()
    {
        aws.Backups.RemoveAll(b => b.CreatedAt == LastNight);
        aws.AddBackup(Main, LastNight, status: "CREATING");

        var report = await verifier.VerifyAsync(CancellationToken.None);

        Assert.False(report.Tables.Single(t => t.Table == Main).Checks.Single(c => c.Name == BackupCheck.RecentBackup).Passed);
    }

    [Fact]
    public async Task A_backup_kept_past_the_retention_fails_verification()
    {
        aws.AddBackup(Audit, LastNight.AddDays(-33));

        var report = await verifier.VerifyAsync(CancellationToken.None);

        var audit = report.Tables.Single(t => t.Table == Audit);
        var check = audit.Checks.Single(c => c.Name == BackupCheck.Retention);
        Assert.False(check.Passed);
        Assert.Contains("older than 30 days", check.Reason, StringComparison.Ordinal);
        Assert.True(report.Tables.Single(t => t.Table == Main).Ok);
    }

    [Fact]
    public async Task A_backup_encrypted_with_another_key_fails_verification()
    {
        aws.BackupKeyArn = "arn:aws:kms:ap-northeast-1:111122223333:key/ffffffff-0000-0000-0000-000000000000";

        var report = await verifier.VerifyAsync(CancellationToken.None);

        var check = report.Tables[0].Checks.Single(c => c.Name == BackupCheck.Encryption);
        Assert.False(check.Passed);
        Assert.Contains("ffffffff-0000", check.Reason, StringComparison.Ordinal);
        Assert.Contains("not the customer-managed key", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restore_still_creating_is_left_running_and_picked_up_by_the_next_run()
    {
        aws.ScratchStatus = "CREATING";

        var first = await verifier.VerifyAsync(CancellationToken.None);

        var started = first.Tables.Single(t => t.Table == Main).RestoreTest!;
        Assert.True(first.Ok, string.Join("\n", first.Failures())); // in progress is not a failure
        Assert.Equal(RestoreTestResult.InProgress, started.Status);
        Assert.Empty(aws.DeletedTables);
        Assert.Equal(2, aws.Requests("RestoreTableFromBackup").Count);

        clock.Advance(TimeSpan.FromDays(1));
        aws.ScratchStatus = "ACTIVE";
        aws.AddBackup(Main, LastNight.AddDays(1));
        aws.AddBackup(Audit, LastNight.AddDays(1));
        var second = await verifier.VerifyAsync(CancellationToken.None);

        var finished = second.Tables.Single(t => t.Table == Main).RestoreTest!;
        Assert.True(second.Ok, string.Join("\n", second.Failures()));
        Assert.Equal(RestoreTestResult.Passed, finished.Status);
        Assert.Equal(started.ScratchTable, finished.ScratchTable);
        Assert.Equal(started.BackupId, finished.BackupId); // yesterday's restore, not a new one
        Assert.Equal(2, aws.Requests("RestoreTableFromBackup").Count);
        Assert.Contains(started.ScratchTable!, aws.DeletedTables);

        clock.Advance(TimeSpan.FromDays(1));
        aws.AddBackup(Main, LastNight.AddDays(2));
        aws.AddBackup(Audit, LastNight.AddDays(2));
        var third = await verifier.VerifyAsync(CancellationToken.None);
        Assert.Equal(RestoreTestResult.NotDue, third.Tables[0].RestoreTest!.Status); // weekly by default
        Assert.Equal(2, aws.Requests("RestoreTableFromBackup").Count);
    }

    [Fact]
    public async Task A_restore_that_never_finishes_fails_after_a_day()
    {
        aws.ScratchStatus = "CREATING";
        await verifier.VerifyAsync(CancellationToken.None);

        clock.Advance(TimeSpan.FromHours(25));
        aws.AddBackup(Main, LastNight.AddDays(1));
        aws.AddBackup(Audit, LastNight.AddDays(1));
        var report = await verifier.VerifyAsync(CancellationToken.None);

        var restore = report.Tables[0].RestoreTest!;
        Assert.Equal(RestoreTestResult.Failed, restore.Status);
        Assert.Contains("still CREATING after 24 hours", restore.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restored_table_far_from_the_recorded_count_or_without_the_canary_fails_the_restore_test()
    {
        aws.RestoredItemCount = 40;

        var tooFew = await verifier.VerifyAsync(CancellationToken.None);

        Assert.False(tooFew.Ok);
        Assert.Equal(RestoreTestResult.Failed, tooFew.Tables[0].RestoreTest!.Status);
        Assert.Contains("40 items restored", tooFew.Tables[0].RestoreTest!.Reason, StringComparison.Ordinal);

        // A failed test is tried again on the next run; by then the backup holds the canary written on the first run.
        clock.Advance(TimeSpan.FromDays(1));
        aws.AddBackup(Main, LastNight.AddDays(1));
        aws.AddBackup(Audit, LastNight.AddDays(1));
        aws.RestoredItemCount = 1187;
        aws.RestoredCanary = false;
        var noCanary = await verifier.VerifyAsync(CancellationToken.None);

        Assert.Equal(RestoreTestResult.Failed, noCanary.Tables[0].RestoreTest!.Status);
        Assert.Contains("canary is missing", noCanary.Tables[0].RestoreTest!.Reason, StringComparison.Ordinal);
        Assert.Equal(4, aws.DeletedTables.Count); // every scratch table dropped, failed or not
    }

    [Fact]
    public void The_jobs_function_in_aws_verifies_with_the_aws_verifier_and_takes_no_local_backup()
    {
        using var app = new OmakaseApp();
        app.Settings["AWS_LAMBDA_FUNCTION_NAME"] = "omakase-prod-jobs";
        app.Settings["AWS_REGION"] = "ap-northeast-1";
        app.Settings["Omakase:Function"] = "jobs";
        app.Settings["Omakase:Keys:KmsKeyId"] = CannedDynamoDb.KeyArn;
        app.Settings["Omakase:Backups:RestoreTablePrefix"] = Prefix;

        Assert.IsType<AwsBackupVerifier>(app.Services.GetRequiredService<IBackupVerifier>());
        Assert.NotNull(app.Services.GetRequiredService<VerifyBackupsJob>());
        Assert.Null(app.Services.GetService<LocalBackups>());
    }

    public void Dispose() => client.Dispose();
}
