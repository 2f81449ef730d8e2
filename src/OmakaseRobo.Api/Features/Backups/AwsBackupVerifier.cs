using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Features.Backups;

/// <summary>
/// Verifies the AWS backups of every table with DynamoDB's own APIs: point-in-time recovery is on, the newest available
/// backup is at most 26 hours old, none is kept past the retention, the newest is encrypted with the customer-managed
/// key, and the restore test (<see cref="AwsRestoreTest"/>). The AWS Backup plan's backups of DynamoDB tables are
/// DynamoDB backups of type AWS_BACKUP; the AWS Backup API itself (AWSSDK.Backup) is not available to this project.
/// </summary>
internal sealed class AwsBackupVerifier(
    IAmazonDynamoDB dynamo, BackupCanary canary, AwsRestoreTest restoreTest, OmakaseOptions options, TimeProvider clock) : IBackupVerifier
{
    /// <summary>A daily backup plus two hours of slack for the plan's start and completion windows.</summary>
    public static readonly TimeSpan RecentWithin = TimeSpan.FromHours(26);

    /// <summary>AWS Backup deletes an expired recovery point some hours after it expires: two days pass before that counts as kept too long.</summary>
    public static readonly TimeSpan RetentionMargin = TimeSpan.FromDays(2);

    public async Task<BackupReport> VerifyAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var tables = new List<TableBackupReport>();
        foreach (var table in BackupsSetup.Tables(options))
        {
            tables.Add(await VerifyTableAsync(table, now, cancellationToken).ConfigureAwait(false));
        }

        return BackupReport.From(now, BackupReport.Aws, tables);
    }

    /// <summary>DynamoDB returns UTC instants; an unspecified kind is read as UTC, never as the machine's local time.</summary>
    public static DateTimeOffset Utc(DateTime time) =>
        time.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(time, TimeSpan.Zero) : new DateTimeOffset(time.ToUniversalTime(), TimeSpan.Zero);

    private async Task<TableBackupReport> VerifyTableAsync(string table, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Refreshed on every run, so the next daily backup holds a canary a later restore test can look for.
        await canary.WriteAsync(table, now, cancellationToken).ConfigureAwait(false);
        var checks = new List<BackupCheck> { await PointInTimeRecoveryAsync(table, cancellationToken).ConfigureAwait(false) };

        var backups = await ListBackupsAsync(table, cancellationToken).ConfigureAwait(false);
        var newest = backups
            .Where(b => b.BackupStatus == BackupStatus.AVAILABLE && b.BackupCreationDateTime is not null)
            .MaxBy(b => b.BackupCreationDateTime);
        DateTimeOffset? newestAt = newest is null ? null : Utc(newest.BackupCreationDateTime!.Value);
        checks.Add(BackupChecks.Recent(newestAt, now, RecentWithin, newest?.BackupName));
        checks.Add(BackupChecks.Retention(
            backups.Where(b => b.BackupStatus != BackupStatus.DELETED && b.BackupCreationDateTime is not null).Select(b => Utc(b.BackupCreationDateTime!.Value)),
            now, options.Backups.Retention, RetentionMargin));

        var description = newest is null
            ? null
            : (await dynamo.DescribeBackupAsync(new DescribeBackupRequest { BackupArn = newest.BackupArn }, cancellationToken).ConfigureAwait(false)).BackupDescription;
        checks.Add(Encryption(newest, description));

        var restore = await restoreTest.RunAsync(table, newest, description, now, cancellationToken).ConfigureAwait(false);
        checks.Add(restore.ToCheck());
        return new TableBackupReport(table, checks.All(c => c.Passed), newestAt, checks, restore);
    }

    private async Task<BackupCheck> PointInTimeRecoveryAsync(string table, CancellationToken cancellationToken)
    {
        var response = await dynamo.DescribeContinuousBackupsAsync(
            new DescribeContinuousBackupsRequest { TableName = table }, cancellationToken).ConfigureAwait(false);
        var pitr = response.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
        return pitr?.PointInTimeRecoveryStatus == PointInTimeRecoveryStatus.ENABLED
            ? new BackupCheck(BackupCheck.PointInTimeRecovery, true, $"point-in-time recovery is on, restorable from {pitr.EarliestRestorableDateTime:O}")
            : new BackupCheck(BackupCheck.PointInTimeRecovery, false, $"point-in-time recovery is {pitr?.PointInTimeRecoveryStatus?.Value ?? "not reported"}, not ENABLED");
    }

    /// <summary>
    /// Every backup of the table. ALL is documented as USER and SYSTEM backups, and the plan's are AWS_BACKUP: both
    /// listings are read and merged by ARN.
    /// </summary>
    private async Task<List<BackupSummary>> ListBackupsAsync(string table, CancellationToken cancellationToken)
    {
        var byArn = new Dictionary<string, BackupSummary>(StringComparer.Ordinal);
        foreach (var type in new[] { BackupTypeFilter.ALL, BackupTypeFilter.AWS_BACKUP })
        {
            string? start = null;
            do
            {
                var page = await dynamo.ListBackupsAsync(new ListBackupsRequest
                {
                    TableName = table,
                    BackupType = type,
                    ExclusiveStartBackupArn = start,
                }, cancellationToken).ConfigureAwait(false);
                foreach (var summary in page.BackupSummaries ?? [])
                {
                    byArn[summary.BackupArn] = summary;
                }

                start = page.LastEvaluatedBackupArn;
            }
            while (start is not null);
        }

        return [.. byArn.Values];
    }

    private BackupCheck Encryption(BackupSummary? newest, BackupDescription? description)
    {
        if (newest is null || description is null)
        {
            return new BackupCheck(BackupCheck.Encryption, false, "no available backup whose encryption could be checked");
        }

        var keyArn = options.Keys.KmsKeyId;
        var sse = description.SourceTableFeatureDetails?.SSEDescription;
        if (sse is null || sse.Status != SSEStatus.ENABLED || sse.SSEType != SSEType.KMS)
        {
            // Without an SSE description DynamoDB encrypted with a key it owns, not ours.
            return new BackupCheck(BackupCheck.Encryption, false,
                $"backup {newest.BackupName} is not encrypted with a KMS key of ours (SSE {sse?.Status?.Value ?? "with an AWS owned key"})");
        }

        return sse.KMSMasterKeyArn == keyArn
            ? new BackupCheck(BackupCheck.Encryption, true, $"backup {newest.BackupName} is encrypted with the customer-managed key")
            : new BackupCheck(BackupCheck.Encryption, false,
                $"backup {newest.BackupName} is encrypted with {sse.KMSMasterKeyArn}, not the customer-managed key {keyArn}");
    }
}
