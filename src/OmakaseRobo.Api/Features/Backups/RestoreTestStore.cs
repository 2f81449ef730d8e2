using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Backups;

/// <summary>
/// What the job remembers between runs about the restore test of one table: when it last ran and how it ended, since
/// when the table has a canary, and an AWS restore still in progress.
/// </summary>
internal sealed record RestoreTestState(
    string Table,
    long Version,
    DateTimeOffset? LastTestedAt,
    string? LastOutcome,
    DateTimeOffset? LastPassedAt,
    DateTimeOffset? CanarySince,
    PendingRestore? Pending)
{
    /// <summary>Due when never run, when the last one failed (tried again on every run), or when the last pass is older than <paramref name="every"/>.</summary>
    public bool IsDue(DateTimeOffset now, TimeSpan every) =>
        LastTestedAt is null || LastOutcome != RestoreTestResult.Passed || now - LastTestedAt.Value >= every;

    public RestoreTestState Finished(DateTimeOffset now, string outcome) => this with
    {
        Pending = null,
        LastTestedAt = now,
        LastOutcome = outcome,
        LastPassedAt = outcome == RestoreTestResult.Passed ? now : LastPassedAt,
    };
}

/// <summary>A restore started by one run and checked by a later one (AWS restores take minutes to hours).</summary>
internal sealed record PendingRestore(
    string ScratchTable, string BackupArn, DateTimeOffset BackupAt, long ExpectedItems, bool CanaryExpected, DateTimeOffset StartedAt);

/// <summary>
/// The state items in the main table (pk JOB#verify-backups, sk RESTORE#{table}), saved with a version condition so
/// two overlapping runs never both start a restore.
/// </summary>
internal sealed class RestoreTestStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    private static Dictionary<string, AttributeValue> Key(string table) => MainItems.RestoreTestState.Key(table);

    public async Task<RestoreTestState> GetAsync(string table, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = options.Tables.Main,
            Key = Key(table),
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false);
        if (response.Item is not { Count: > 0 } item)
        {
            return new RestoreTestState(table, 0, null, null, null, null, null);
        }

        PendingRestore? pending = item.GetS("pendingTable") is { } scratch
            ? new PendingRestore(
                scratch,
                item.RequireS("pendingBackupArn"),
                item.GetTime("pendingBackupAt")!.Value,
                item.GetN("pendingExpectedItems") ?? 0,
                item.GetBool("pendingCanaryExpected"),
                item.GetTime("pendingStartedAt")!.Value)
            : null;
        return new RestoreTestState(
            table, item.GetN("version") ?? 0, item.GetTime("lastTestedAt"), item.GetS("lastOutcome"), item.GetTime("lastPassedAt"),
            item.GetTime("canarySince"), pending);
    }

    /// <summary>Saves the state as the next version and returns it; null when another run saved first.</summary>
    public async Task<RestoreTestState?> TrySaveAsync(RestoreTestState state, CancellationToken cancellationToken)
    {
        var item = Key(state.Table);
        item[TableSchema.Type] = Attr.S(MainItems.RestoreTestState.Type);
        item["version"] = Attr.N(state.Version + 1);
        SetTime(item, "lastTestedAt", state.LastTestedAt);
        SetTime(item, "lastPassedAt", state.LastPassedAt);
        SetTime(item, "canarySince", state.CanarySince);
        if (state.LastOutcome is not null)
        {
            item["lastOutcome"] = Attr.S(state.LastOutcome);
        }

        if (state.Pending is { } pending)
        {
            item["pendingTable"] = Attr.S(pending.ScratchTable);
            item["pendingBackupArn"] = Attr.S(pending.BackupArn);
            item["pendingExpectedItems"] = Attr.N(pending.ExpectedItems);
            item["pendingCanaryExpected"] = Attr.Bool(pending.CanaryExpected);
            SetTime(item, "pendingBackupAt", pending.BackupAt);
            SetTime(item, "pendingStartedAt", pending.StartedAt);
        }

        var request = new PutItemRequest { TableName = options.Tables.Main, Item = item };
        if (state.Version == 0)
        {
            request.ConditionExpression = "attribute_not_exists(pk)";
        }
        else
        {
            request.ConditionExpression = "#version = :version";
            request.ExpressionAttributeNames = new() { ["#version"] = "version" };
            request.ExpressionAttributeValues = new() { [":version"] = Attr.N(state.Version) };
        }

        try
        {
            await dynamo.PutItemAsync(request, cancellationToken).ConfigureAwait(false);
            return state with { Version = state.Version + 1 };
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    private static void SetTime(Dictionary<string, AttributeValue> item, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            item[name] = Attr.Time(value);
        }
    }
}
