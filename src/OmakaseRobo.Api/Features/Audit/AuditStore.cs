using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>The head of a chain: how many events it has, the last hash, and how far a checkpoint has signed it.</summary>
internal sealed record ChainHead(AuditChain Chain, long Sequence, string Hash, long CheckpointedSequence, bool Held)
{
    public static ChainHead Empty(AuditChain chain) => new(chain, 0, AuditChain.Genesis, 0, Held: false);

    public bool Exists => Sequence > 0;
}

/// <summary>Everything stored in one chain's partition, in key order: events by position, then its checkpoints.</summary>
internal sealed record ChainContents(IReadOnlyList<(long Position, StoredEvent Event)> Events, IReadOnlyList<AuditCheckpoint> Checkpoints);

/// <summary>One page of a chain read newest first, how many items it read, and where it stopped when that was early.</summary>
internal sealed record ChainPage(IReadOnlyList<StoredEvent> Events, int Read, long? StoppedAt);

/// <summary>
/// Audit items in the audit table, mapped by hand here:
/// events      pk AUDIT#{tenant}#{day}   sk EVENT#{sequence:D10}
/// chain heads pk AUDIT-CHAINS#{tenant}  sk DAY#{day}, gsi1pk AUDIT-DAY#{day}, gsi1sk {tenant}
/// Every item of a chain carries the same ttl (end of its day + 30 days); a legal hold removes it.
/// </summary>
internal sealed class AuditStore(IAmazonDynamoDB dynamo, OmakaseOptions options, Runtime runtime)
{
    private const long MaxPosition = 9_999_999_999;

    private string Table => options.Tables.Audit;

    /// <summary>
    /// Items one append may carry: a transaction holds 100 items in DynamoDB (the head, the events, the outbox items
    /// they come from), but only 10 in DynamoDB Local 1.11, which the local run and the tests use.
    /// </summary>
    public int MaxItemsPerAppend => TransactionLimits.MaxItems(runtime);

    /// <summary>Events one append may carry when none comes from the outbox.</summary>
    public int MaxEventsPerAppend => MaxItemsPerAppend - 1;

    public static string ChainPartition(AuditChain chain)
    {
        return AuditItems.Record.ChainPartition(chain.TenantId, chain.DayText);
    }

    public static Dictionary<string, AttributeValue> HeadKey(AuditChain chain)
    {
        return AuditItems.ChainHead.Key(chain.TenantId, chain.DayText);
    }

    public static AttributeValue Expiry(AuditChain chain)
    {
        return Attr.N(chain.ExpiresAt.ToUnixTimeSeconds());
    }

    /// <summary>The chain writer's deadline on its first send of a head read or an append (see <see cref="DependencyOptions.AuditAppendAttempt"/>).</summary>
    public TimeSpan AppendAttempt => options.Dependencies.AuditAppendAttempt;

    public async Task<ChainHead> ReadHeadAsync(AuditChain chain, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = HeadKey(chain), ConsistentRead = true }, cancellationToken)
            .ConfigureAwait(false);
        return response.IsItemSet ? AuditItemMapping.HeadFromItem(response.Item) ?? ChainHead.Empty(chain) : ChainHead.Empty(chain);
    }

    /// <summary>
    /// Appends events after <paramref name="head"/> in one transaction: all or none. The head moves only from the
    /// state it was read in and no event position is written twice, so two writers can never fork a chain; the loser
    /// gets <see cref="TransactionCanceledException"/> and must read the head again. An event from the outbox
    /// (<paramref name="outboxKeys"/>, by position in <paramref name="events"/>) deletes its outbox item in the same
    /// transaction, only while it exists: a record already appended (or whose change never committed) cancels it.
    /// <paramref name="clientRequestToken"/> (at most 36 characters) makes the same append sent again within 10 minutes
    /// a no-op if the first got through.
    /// </summary>
    public async Task AppendAsync(
        ChainHead head, IReadOnlyList<StoredEvent> events, IReadOnlyList<Dictionary<string, AttributeValue>?> outboxKeys, string clientRequestToken,
        CancellationToken cancellationToken)
    {
        var last = events[^1];
        var items = new List<TransactWriteItem>(events.Count + 1);
        if (head.Exists)
        {
            items.Add(new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = Table,
                    Key = HeadKey(head.Chain),
                    UpdateExpression = "SET #seq = :seq, #hash = :hash",
                    ConditionExpression = "#seq = :expected",
                    ExpressionAttributeNames = new() { ["#seq"] = "seq", ["#hash"] = "hash" },
                    ExpressionAttributeValues = new() { [":seq"] = Attr.N(last.Sequence), [":hash"] = Attr.S(last.Hash), [":expected"] = Attr.N(head.Sequence) },
                },
            });
        }
        else
        {
            items.Add(new TransactWriteItem
            {
                Put = new Put { TableName = Table, Item = AuditItemMapping.HeadToItem(head.Chain, last), ConditionExpression = "attribute_not_exists(pk)" },
            });
        }

        items.AddRange(events.Select(e => new TransactWriteItem
        {
            Put = new Put { TableName = Table, Item = head.Held ? AuditItemMapping.WithoutExpiry(AuditItemMapping.EventToItem(e)) : AuditItemMapping.EventToItem(e), ConditionExpression = "attribute_not_exists(pk)" },
        }));
        items.AddRange(outboxKeys.OfType<Dictionary<string, AttributeValue>>().Select(key => new TransactWriteItem
        {
            Delete = new Delete { TableName = Table, Key = key, ConditionExpression = "attribute_exists(pk)" },
        }));
        await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = items, ClientRequestToken = clientRequestToken }, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The hash of the event stored at <paramref name="position"/> of the chain; null when there is none.</summary>
    public async Task<string?> ReadEventHashAsync(AuditChain chain, long position, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = Table,
            Key = Attr.Key(ChainPartition(chain), AuditItems.Record.SortKey(position)),
            ProjectionExpression = "#hash",
            ExpressionAttributeNames = new() { ["#hash"] = "hash" },
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false);
        return response.IsItemSet ? response.Item.GetS("hash") : null;
    }

    /// <summary>
    /// Which events of a refused append (by position) were refused because their outbox item is gone: already appended
    /// by someone else, or never committed. Reasons come in the order of the items: the head, the events, the deletes.
    /// </summary>
    public static List<int> GoneFromOutbox(TransactionCanceledException refused, IReadOnlyList<Dictionary<string, AttributeValue>?> outboxKeys)
    {
        var gone = new List<int>();
        var delete = 1 + outboxKeys.Count;
        for (var i = 0; i < outboxKeys.Count; i++)
        {
            if (outboxKeys[i] is not null && refused.FailedCondition(delete++))
            {
                gone.Add(i);
            }
        }

        return gone;
    }

    /// <summary>A tenant's chains from <paramref name="from"/> to <paramref name="to"/> (days, inclusive).</summary>
    public async Task<List<ChainHead>> ListChainsAsync(string tenantId, DateOnly from, DateOnly to, bool newestFirst, CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "pk = :pk AND sk BETWEEN :from AND :to",
            ExpressionAttributeValues = new()
            {
                [":pk"] = Attr.S(AuditItems.ChainHead.TenantPartition(tenantId)),
                [":from"] = Attr.S(AuditItems.ChainHead.SortKey(AuditChain.Format(from))),
                [":to"] = Attr.S(AuditItems.ChainHead.SortKey(AuditChain.Format(to))),
            },
            ScanIndexForward = !newestFirst,
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(AuditItemMapping.HeadFromItem).OfType<ChainHead>()];
    }

    /// <summary>Every tenant's chain of one day, through the day index (gsi1).</summary>
    public async Task<List<ChainHead>> ListChainsOfDayAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            IndexName = TableSchema.Index1,
            KeyConditionExpression = "gsi1pk = :day",
            ExpressionAttributeValues = new() { [":day"] = Attr.S(AuditItems.ChainHead.DayIndex(AuditChain.Format(day))) },
        }, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(AuditItemMapping.HeadFromItem).OfType<ChainHead>()];
    }

    /// <summary>The whole partition of a chain, for the verifier; read consistently, and tolerant of items someone altered.</summary>
    public async Task<ChainContents> ReadChainAsync(AuditChain chain, CancellationToken cancellationToken)
    {
        var events = new List<(long, StoredEvent)>();
        var checkpoints = new List<AuditCheckpoint>();
        var partition = new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = Attr.S(ChainPartition(chain)) },
            ConsistentRead = true,
        };
        await foreach (var item in dynamo.QueryItemsAsync(partition, cancellationToken).ConfigureAwait(false))
        {
            var sortKey = item.GetS(TableSchema.SortKey) ?? string.Empty;
            if (AuditItems.Record.IsEvent(sortKey))
            {
                events.Add((AuditItemMapping.PositionOf(sortKey), AuditItemMapping.EventFromItem(chain, item)));
            }
            else if (AuditCheckpointStore.FromItem(chain, item) is { } checkpoint)
            {
                checkpoints.Add(checkpoint);
            }
        }

        return new ChainContents(events, checkpoints);
    }

    /// <summary>
    /// Events of one chain, newest first, below position <paramref name="below"/>, matching the filters; reads at most
    /// <paramref name="maxRead"/> items, and says where it stopped when that was not the end of the chain.
    /// </summary>
    public async Task<ChainPage> ReadNewestFirstAsync(
        AuditChain chain, long? below, string? category, string fromTime, string toTime, int wanted, int maxRead, CancellationToken cancellationToken)
    {
        if (below <= 1)
        {
            return new ChainPage([], 0, null);
        }

        var names = new Dictionary<string, string> { ["#time"] = "time" };
        var values = new Dictionary<string, AttributeValue>
        {
            [":pk"] = Attr.S(ChainPartition(chain)),
            [":first"] = Attr.S(AuditItems.Record.SortKey(1)),
            [":below"] = Attr.S(below is { } b and <= MaxPosition ? AuditItems.Record.SortKey(b - 1) : AuditItems.Record.SortPrefix + "~"), // "~" sorts after every digit
            [":from"] = Attr.S(fromTime),
            [":to"] = Attr.S(toTime),
        };
        var filter = "#time >= :from AND #time < :to";
        if (category is not null)
        {
            names["#category"] = "category";
            values[":category"] = Attr.S(category);
            filter += " AND #category = :category";
        }

        var events = new List<StoredEvent>();
        var read = 0;
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.QueryAsync(new QueryRequest
            {
                TableName = Table,
                KeyConditionExpression = "pk = :pk AND sk BETWEEN :first AND :below",
                FilterExpression = filter,
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
                ScanIndexForward = false,
                Limit = Math.Min(maxRead - read, 200),
                ExclusiveStartKey = start,
            }, cancellationToken).ConfigureAwait(false);
            read += page.ScannedCount ?? 0;
            foreach (var item in page.Items ?? [])
            {
                events.Add(AuditItemMapping.EventFromItem(chain, item));
                if (events.Count == wanted)
                {
                    return new ChainPage(events, read, null);
                }
            }

            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null && read < maxRead);
        return new ChainPage(events, read, start is null ? null : AuditItemMapping.PositionOf(start[TableSchema.SortKey].S));
    }

    /// <summary>An event appended to a chain under legal hold is held too: it carries no ttl.</summary>
}
