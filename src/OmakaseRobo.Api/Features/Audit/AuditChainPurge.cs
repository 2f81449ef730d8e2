using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Retention;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// The audit half of purge-records, chain by chain (a chain is one tenant's trail of one day, and expires whole):
/// chains the last runs had to keep first, then every expired day from the cursor, each chain found through the day index
/// (gsi1 AUDIT-DAY#{day}) and the ledger; then closed days not yet expired are copied into the ledger. A chain whose head
/// has no ttl, or a ttl in the future, is held and kept whole. An expired chain loses its partition (events and
/// checkpoints whose own ttl has passed) and then its head, last, so a run killed half way finds it again. The tenant's
/// latest-checkpoint item (AUDIT-CHAINS#{tenant} / CHECKPOINT) is never touched.
/// </summary>
internal sealed class AuditChainPurge(
    IAmazonDynamoDB dynamo, AuditPurgeLedger ledger, PurgeCursorStore cursors, DeletePipeline pipeline, OmakaseOptions options)
{
    private enum ChainOutcome
    {
        /// <summary>Nothing of the chain is left.</summary>
        Gone,

        /// <summary>Held, or some item is not expired: kept, and looked at again by the next run.</summary>
        Kept,

        /// <summary>The run stopped inside the chain: its head is still there for the next run.</summary>
        Interrupted,
    }

    private string Table => options.Tables.Audit;

    private int PageSize => options.Purge.PageSize;

    /// <summary>The newest day whose chains have expired: a day's chain expires 30 days after the day ends.</summary>
    public static DateOnly LastExpiredDay(DateTimeOffset now) =>
        AuditChain.DayOf(now).AddDays(-1 - (int)AuditChain.Retention.TotalDays);

    public async Task<PurgeCursor> PurgeAsync(PurgeRun run, PurgeCursor cursor, CancellationToken cancellationToken)
    {
        await foreach (var chain in ledger.PendingAsync(PageSize, cancellationToken).ConfigureAwait(false))
        {
            if (run.OutOfTime())
            {
                return cursor;
            }

            if (await PurgeChainAsync(run, chain, cancellationToken).ConfigureAwait(false) == ChainOutcome.Gone)
            {
                await ledger.ForgetPendingAsync(chain.Day, chain.TenantId, cancellationToken).ConfigureAwait(false);
            }
        }

        var lastExpired = LastExpiredDay(run.Now);
        for (var day = cursor.AuditFrom; day <= lastExpired; day = day.AddDays(1))
        {
            var before = run.DeletedTotal;
            await foreach (var tenantId in TenantsWithHeadAsync(day, cancellationToken).ConfigureAwait(false))
            {
                await PurgeListedChainAsync(run, new AuditChain(tenantId, day), cancellationToken).ConfigureAwait(false);
                if (run.Stopped)
                {
                    return cursor;
                }
            }

            await foreach (var tenantId in ledger.TenantsOfDayAsync(day, PageSize, cancellationToken).ConfigureAwait(false))
            {
                await PurgeListedChainAsync(run, new AuditChain(tenantId, day), cancellationToken).ConfigureAwait(false);
                if (run.Stopped)
                {
                    return cursor;
                }
            }

            cursor = cursor with { AuditFrom = day.AddDays(1) };
            if (run.DeletedTotal > before)
            {
                await cursors.SaveAsync(cursor, cancellationToken).ConfigureAwait(false);
            }
        }

        // Closed days (no chain grows after its day) copied before they expire, two days of margin for late writes.
        var lastClosed = run.Today.AddDays(-2);
        for (var day = cursor.LedgerFrom > lastExpired ? cursor.LedgerFrom : lastExpired.AddDays(1); day <= lastClosed; day = day.AddDays(1))
        {
            if (run.OutOfTime())
            {
                return cursor;
            }

            await foreach (var tenantId in TenantsWithHeadAsync(day, cancellationToken).ConfigureAwait(false))
            {
                await ledger.RecordAsync(day, tenantId, cancellationToken).ConfigureAwait(false);
            }

            cursor = cursor with { LedgerFrom = day.AddDays(1) };
        }

        return cursor;
    }

    /// <summary>A chain the day walk found: purged, or handed to the pending list; either way it leaves the day's ledger.</summary>
    private async Task PurgeListedChainAsync(PurgeRun run, AuditChain chain, CancellationToken cancellationToken)
    {
        var outcome = await PurgeChainAsync(run, chain, cancellationToken).ConfigureAwait(false);
        if (outcome == ChainOutcome.Interrupted)
        {
            return;
        }

        if (outcome == ChainOutcome.Kept)
        {
            await ledger.MarkPendingAsync(chain.Day, chain.TenantId, cancellationToken).ConfigureAwait(false);
        }

        await ledger.ForgetAsync(chain.Day, chain.TenantId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ChainOutcome> PurgeChainAsync(PurgeRun run, AuditChain chain, CancellationToken cancellationToken)
    {
        // Read again, consistently: the day index may lag behind a hold that just removed the ttl.
        var headKey = AuditStore.HeadKey(chain);
        var read = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = Table,
            Key = headKey,
            ConsistentRead = true,
            ProjectionExpression = "pk, #ttl, seq",
            ExpressionAttributeNames = new() { ["#ttl"] = TableSchema.TimeToLive },
        }, cancellationToken).ConfigureAwait(false);
        var head = read.Item is { Count: > 0 } item ? item : null;
        var headSequence = head?.GetN("seq") ?? 0;
        if (head is not null && !run.IsExpired(head))
        {
            run.CountHeld(headSequence);
            return ChainOutcome.Kept;
        }

        var partition = new PartitionTally();
        await pipeline.RunAsync(Table, ExpiredItemsOfChainAsync(run, chain, partition, cancellationToken), run, cancellationToken).ConfigureAwait(false);
        if (partition.Interrupted)
        {
            return ChainOutcome.Interrupted;
        }

        if (partition.KeptItems > 0)
        {
            run.CountHeld(partition.KeptEvents);
            return ChainOutcome.Kept;
        }

        if (head is not null)
        {
            try
            {
                await dynamo.DeleteItemAsync(new DeleteItemRequest
                {
                    TableName = Table,
                    Key = headKey,
                    // A hold that removed the ttl since the read above wins: the head stays.
                    ConditionExpression = "attribute_not_exists(pk) OR #ttl <= :now",
                    ExpressionAttributeNames = new() { ["#ttl"] = TableSchema.TimeToLive },
                    ExpressionAttributeValues = new() { [":now"] = Attr.N(run.NowSeconds) },
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (ConditionalCheckFailedException)
            {
                run.CountHeld(headSequence);
                return ChainOutcome.Kept;
            }
        }

        if (head is not null || partition.Deleted > 0)
        {
            run.CountDeleted([PurgedKind.AuditChain]);
        }

        return ChainOutcome.Gone;
    }

    /// <summary>The chain's partition page by page, strongly consistent: each item's own ttl is checked as read.</summary>
    private async IAsyncEnumerable<ExpiredPage> ExpiredItemsOfChainAsync(
        PurgeRun run, AuditChain chain, PartitionTally tally, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            if (run.OutOfTime())
            {
                tally.Interrupted = true;
                yield break;
            }

            var page = await dynamo.QueryAsync(new QueryRequest
            {
                TableName = Table,
                KeyConditionExpression = "pk = :pk",
                ExpressionAttributeValues = new() { [":pk"] = Attr.S(AuditStore.ChainPartition(chain)) },
                ProjectionExpression = "pk, sk, #ttl, category",
                ExpressionAttributeNames = new() { ["#ttl"] = TableSchema.TimeToLive },
                ConsistentRead = true,
                Limit = PageSize,
                ExclusiveStartKey = start,
            }, cancellationToken).ConfigureAwait(false);
            var expired = new List<(Dictionary<string, AttributeValue>, PurgedKind)>();
            foreach (var item in page.Items ?? [])
            {
                var sortKey = item.RequireS(TableSchema.SortKey);
                var isEvent = AuditItems.Record.IsEvent(sortKey);
                if (run.IsExpired(item))
                {
                    expired.Add((Attr.Key(item.RequireS(TableSchema.PartitionKey), sortKey), isEvent ? KindOf(item.GetS("category")) : PurgedKind.AuditCheckpoint));
                }
                else
                {
                    tally.KeptItems++;
                    tally.KeptEvents += isEvent ? 1 : 0;
                }
            }

            if (expired.Count > 0)
            {
                tally.Deleted += expired.Count;
                yield return new ExpiredPage(expired);
            }

            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
    }

    /// <summary>The tenants with a chain head on a day, through the day index, page by page.</summary>
    private async IAsyncEnumerable<string> TenantsWithHeadAsync(DateOnly day, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var heads = new QueryRequest
        {
            TableName = Table,
            IndexName = TableSchema.Index1,
            KeyConditionExpression = "gsi1pk = :day",
            ExpressionAttributeValues = new() { [":day"] = Attr.S(AuditItems.ChainHead.DayIndex(AuditChain.Format(day))) },
            ProjectionExpression = "tenantId",
            Limit = PageSize,
        };
        await foreach (var item in dynamo.QueryItemsAsync(heads, cancellationToken).ConfigureAwait(false))
        {
            if (item.GetS("tenantId") is { } tenantId)
            {
                yield return tenantId;
            }
        }
    }

    private static PurgedKind KindOf(string? category) => category switch
    {
        AuditCategory.Access => PurgedKind.Access,
        AuditCategory.Operation => PurgedKind.Operation,
        AuditCategory.Auth => PurgedKind.Auth,
        AuditCategory.System => PurgedKind.System,
        _ => PurgedKind.Other,
    };

    private sealed class PartitionTally
    {
        public long Deleted { get; set; }

        public long KeptItems { get; set; }

        public long KeptEvents { get; set; }

        public bool Interrupted { get; set; }
    }
}
