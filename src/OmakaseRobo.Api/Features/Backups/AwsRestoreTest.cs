using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Backups;

/// <summary>
/// The AWS restore test, spread over runs because a restore takes minutes to hours: a run that finds the test due
/// restores the newest backup into a scratch table (encrypted with the customer-managed key) and records it; that run,
/// if the table is already ACTIVE, or a later one counts the restored items, looks for the canary and deletes the table.
/// </summary>
internal sealed class AwsRestoreTest(IAmazonDynamoDB dynamo, BackupCanary canary, RestoreTestStore states, OmakaseOptions options)
{
    /// <summary>A restore not ACTIVE after this long fails the test (on every run, until it finishes and is cleaned up).</summary>
    public static readonly TimeSpan MaxRestoreTime = TimeSpan.FromHours(24);

    /// <summary>
    /// The backup's recorded ItemCount is the source table's count, which AWS refreshes about every six hours: the
    /// restored count may differ by the writes of that window, so it must be within 10% (or 100 items) of it.
    /// </summary>
    public const double CountTolerance = 0.10;

    public const long CountSlack = 100;

    public async Task<RestoreTestResult> RunAsync(
        string table, BackupSummary? newest, BackupDescription? description, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var state = await states.GetAsync(table, cancellationToken).ConfigureAwait(false);
        var firstCanary = state.CanarySince is null;
        state = state with { CanarySince = state.CanarySince ?? now }; // the verifier has just written the table's canary
        if (state.Pending is { } pending)
        {
            return await FollowUpAsync(state, pending, now, cancellationToken).ConfigureAwait(false);
        }

        if (!state.IsDue(now, options.Backups.RestoreTestEvery))
        {
            if (firstCanary)
            {
                await states.TrySaveAsync(state, cancellationToken).ConfigureAwait(false);
            }

            return new RestoreTestResult(
                RestoreTestResult.NotDue, null, null, null, null, null, null, state.LastPassedAt,
                $"last restore test passed at {state.LastPassedAt:O}; the next is due after {options.Backups.RestoreTestEvery}");
        }

        if (newest is null)
        {
            return await FinishAsync(state, now, new RestoreTestResult(
                RestoreTestResult.Failed, null, null, null, null, null, null, null, "no available backup to restore"), cancellationToken).ConfigureAwait(false);
        }

        var backupAt = AwsBackupVerifier.Utc(newest.BackupCreationDateTime!.Value);
        pending = new PendingRestore(
            ScratchTables.Name(options.Backups.RestoreTablePrefix, table, now), newest.BackupArn, backupAt,
            description?.SourceTableDetails?.ItemCount ?? 0, CanaryExpected: backupAt >= state.CanarySince, now);
        // Recorded before the restore starts: an overlapping run finds it and does not start a second one.
        if (await states.TrySaveAsync(state with { Pending = pending }, cancellationToken).ConfigureAwait(false) is not { } claimed)
        {
            return InProgress(pending, state, "another run has just started this restore test");
        }

        try
        {
            await dynamo.RestoreTableFromBackupAsync(new RestoreTableFromBackupRequest
            {
                TargetTableName = pending.ScratchTable,
                BackupArn = pending.BackupArn,
                BillingModeOverride = BillingMode.PAY_PER_REQUEST,
                // 10.1.1: the restored copy is encrypted at rest with the customer-managed key, like its source.
                SSESpecificationOverride = new SSESpecification { Enabled = true, SSEType = SSEType.KMS, KMSMasterKeyId = options.Keys.KmsKeyId },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonDynamoDBException exception)
        {
            return await FinishAsync(claimed, now, Failed(pending, null, null,
                $"DynamoDB refused to restore {pending.BackupArn}: {exception.ErrorCode}: {exception.Message}"), cancellationToken).ConfigureAwait(false);
        }

        return await FollowUpAsync(claimed, pending, now, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RestoreTestResult> FollowUpAsync(RestoreTestState state, PendingRestore pending, DateTimeOffset now, CancellationToken cancellationToken)
    {
        TableStatus? status;
        try
        {
            var description = await dynamo.DescribeTableAsync(new DescribeTableRequest { TableName = pending.ScratchTable }, cancellationToken).ConfigureAwait(false);
            status = description.Table?.TableStatus;
        }
        catch (ResourceNotFoundException)
        {
            return await FinishAsync(state, now, Failed(pending, null, null,
                $"the scratch table {pending.ScratchTable} of the restore started at {pending.StartedAt:O} is gone"), cancellationToken).ConfigureAwait(false);
        }

        if (status != TableStatus.ACTIVE)
        {
            // Not waited for: the run ends and the next one picks the restore up. A table still creating cannot be deleted,
            // so an overdue one stays recorded (and fails every run) until it is ACTIVE and cleaned up.
            return now - pending.StartedAt <= MaxRestoreTime
                ? InProgress(pending, state, $"the restore into {pending.ScratchTable} started at {pending.StartedAt:O} is {status?.Value ?? "unknown"}; the next run checks it")
                : Failed(pending, null, null,
                    $"the restore into {pending.ScratchTable} started at {pending.StartedAt:O} is still {status?.Value ?? "unknown"} after {MaxRestoreTime.TotalHours:0} hours");
        }

        RestoreTestResult result;
        try
        {
            var restored = await TableScan.CountAsync(dynamo, pending.ScratchTable, cancellationToken).ConfigureAwait(false);
            var canaryAt = await canary.ReadAsync(pending.ScratchTable, cancellationToken).ConfigureAwait(false);
            result = Judge(pending, restored, canaryAt);
        }
        finally
        {
            await ScratchTables.DeleteAsync(dynamo, pending.ScratchTable).ConfigureAwait(false);
        }

        return await FinishAsync(state, now, result, cancellationToken).ConfigureAwait(false);
    }

    private static RestoreTestResult Judge(PendingRestore pending, long restored, DateTimeOffset? canaryAt)
    {
        var allowed = Math.Max(CountSlack, (long)(pending.ExpectedItems * CountTolerance));
        if (Math.Abs(restored - pending.ExpectedItems) > allowed)
        {
            return Failed(pending, restored, canaryAt is not null,
                $"{restored} items restored into {pending.ScratchTable}, the backup recorded about {pending.ExpectedItems} (at most {allowed} apart)");
        }

        if (pending.CanaryExpected && canaryAt is null)
        {
            return Failed(pending, restored, false, $"the canary is missing from {pending.ScratchTable}");
        }

        var canary = canaryAt is { } at ? $"canary of {at:O} found" : "no canary expected: the backup predates the first one";
        return new RestoreTestResult(
            RestoreTestResult.Passed, pending.BackupArn, pending.BackupAt, pending.ScratchTable, pending.ExpectedItems, restored, canaryAt is not null, null,
            $"{restored} items restored into {pending.ScratchTable}, the backup recorded about {pending.ExpectedItems}; {canary}");
    }

    private async Task<RestoreTestResult> FinishAsync(RestoreTestState state, DateTimeOffset now, RestoreTestResult result, CancellationToken cancellationToken)
    {
        var saved = await states.TrySaveAsync(state.Finished(now, result.Status), cancellationToken).ConfigureAwait(false);
        return result with { LastPassedAt = (saved ?? state).LastPassedAt };
    }

    private static RestoreTestResult Failed(PendingRestore pending, long? restored, bool? canaryFound, string reason) =>
        new(RestoreTestResult.Failed, pending.BackupArn, pending.BackupAt, pending.ScratchTable, pending.ExpectedItems, restored, canaryFound, null, reason);

    private static RestoreTestResult InProgress(PendingRestore pending, RestoreTestState state, string reason) =>
        new(RestoreTestResult.InProgress, pending.BackupArn, pending.BackupAt, pending.ScratchTable, pending.ExpectedItems, null, null, state.LastPassedAt, reason);
}
