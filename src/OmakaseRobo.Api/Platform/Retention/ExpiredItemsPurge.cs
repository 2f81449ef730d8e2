using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Platform.Retention;

/// <summary>
/// The main-table half of purge-records: sessions, MFA challenges, webhook deliveries and job runs, read through the
/// expiry index (gsi2) day by day from the cursor to today, only the entries whose ttl has passed. Each candidate is read
/// again before it is deleted (the index may lag behind an item written again with a later ttl), and only an item whose
/// own ttl has passed goes. A day before today is then done for good: anything written later expires later.
/// </summary>
internal sealed class ExpiredItemsPurge(IAmazonDynamoDB dynamo, BatchReader reader, PurgeCursorStore cursors, DeletePipeline pipeline, OmakaseOptions options)
{
    private static readonly Dictionary<string, string> RecheckNames = new() { ["#ttl"] = TableSchema.TimeToLive, ["#type"] = TableSchema.Type };

    private string Table => options.Tables.Main;

    /// <summary>True when the error says the table has no such index: local data created before gsi2 existed.</summary>
    public static bool IsMissingIndex(AmazonDynamoDBException exception) =>
        exception is { ErrorCode: "ValidationException" } && exception.Message.Contains("specified index", StringComparison.OrdinalIgnoreCase);

    public async Task<PurgeCursor> PurgeAsync(PurgeRun run, PurgeCursor cursor, CancellationToken cancellationToken)
    {
        for (var day = cursor.ExpiriesFrom; day <= run.Today; day = day.AddDays(1))
        {
            var before = run.DeletedTotal;
            await pipeline.RunAsync(Table, ExpiredPagesAsync(run, day, cancellationToken), run, cancellationToken).ConfigureAwait(false);
            if (run.Stopped || day == run.Today)
            {
                return cursor;
            }

            cursor = cursor with { ExpiriesFrom = day.AddDays(1) };
            if (run.DeletedTotal > before)
            {
                await cursors.SaveAsync(cursor, cancellationToken).ConfigureAwait(false);
            }
        }

        return cursor;
    }

    private async IAsyncEnumerable<ExpiredPage> ExpiredPagesAsync(PurgeRun run, DateOnly day, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            if (run.OutOfTime())
            {
                yield break;
            }

            var page = await dynamo.QueryAsync(new QueryRequest
            {
                TableName = Table,
                IndexName = TableSchema.Index2,
                KeyConditionExpression = "gsi2pk = :day AND gsi2sk < :expired",
                ExpressionAttributeValues = new()
                {
                    [":day"] = Attr.S(ExpiryIndex.DayKey(day)),
                    [":expired"] = ExpiryIndex.ExpiredBelow(run.NowSeconds),
                },
                Limit = options.Purge.PageSize,
                ExclusiveStartKey = start,
            }, cancellationToken).ConfigureAwait(false);
            if (page.Items is { Count: > 0 } entries)
            {
                var current = await reader.ReadAsync(
                    Table,
                    entries.Select(e => Attr.Key(e.RequireS(TableSchema.PartitionKey), e.RequireS(TableSchema.SortKey))),
                    "pk, sk, #ttl, #type",
                    RecheckNames,
                    cancellationToken).ConfigureAwait(false);
                var expired = current.Where(run.IsExpired)
                    .Select(i => (Attr.Key(i.RequireS(TableSchema.PartitionKey), i.RequireS(TableSchema.SortKey)), KindOf(i.GetS(TableSchema.Type))))
                    .ToList();
                if (expired.Count > 0)
                {
                    yield return new ExpiredPage(expired);
                }
            }

            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
    }

    private static PurgedKind KindOf(string? type) => type switch
    {
        MainItems.Session.Type => PurgedKind.Session,
        MainItems.MfaChallenge.Type => PurgedKind.MfaChallenge,
        MainItems.WebhookDelivery.Type => PurgedKind.WebhookDelivery,
        MainItems.JobRun.Type => PurgedKind.JobRun,
        _ => PurgedKind.Other,
    };
}
