using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Jobs;

/// <summary>
/// One item per EventBridge event id (JOBRUN#id): claimed before a job runs, so a retried event does not run it
/// twice; it keeps the report to answer the retry. A claim older than the Lambda timeout is stale (the run died)
/// and may be taken over: the jobs themselves are resumable.
/// </summary>
internal sealed class JobRunStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(16);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    private static Dictionary<string, AttributeValue> Key(string eventId) => MainItems.JobRun.Key(eventId);

    /// <summary>
    /// True when this caller may run the job; false with the stored report and the job the event was claimed for when it
    /// already ran or is running. A stale claim is taken over only for the same job.
    /// </summary>
    public async Task<(bool Claimed, string? Report, string? Job)> ClaimAsync(string eventId, string job, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var item = Key(eventId);
        item[TableSchema.Type] = Attr.S(MainItems.JobRun.Type);
        item["job"] = Attr.S(job);
        item["state"] = Attr.S("running");
        item["startedAt"] = Attr.Time(now);
        ExpiryIndex.Stamp(item, now + Retention);
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = options.Tables.Main,
                Item = item,
                ConditionExpression = "attribute_not_exists(pk) OR (#state = :running AND startedAt < :stale AND #job = :job)",
                ExpressionAttributeNames = new() { ["#state"] = "state", ["#job"] = "job" },
                ExpressionAttributeValues = new() { [":running"] = Attr.S("running"), [":stale"] = Attr.Time(now - StaleAfter), [":job"] = Attr.S(job) },
            }, cancellationToken).ConfigureAwait(false);
            return (true, null, job);
        }
        catch (ConditionalCheckFailedException)
        {
            var existing = await dynamo.GetItemAsync(new GetItemRequest { TableName = options.Tables.Main, Key = Key(eventId), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
            return (false, existing.Item?.GetS("report"), existing.Item?.GetS("job"));
        }
    }

    public async Task CompleteAsync(string eventId, string report, bool ok, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = options.Tables.Main,
            Key = Key(eventId),
            UpdateExpression = "SET #state = :done, report = :report, ok = :ok, finishedAt = :now",
            ExpressionAttributeNames = new() { ["#state"] = "state" },
            ExpressionAttributeValues = new() { [":done"] = Attr.S("done"), [":report"] = Attr.S(report), [":ok"] = Attr.Bool(ok), [":now"] = Attr.Time(now) },
        }, cancellationToken).ConfigureAwait(false);
    }
}
