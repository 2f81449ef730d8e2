using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>The head of a chain: how many events it has, the last hash, and how far a checkpoint has signed it.</summary>
public sealed record ChainHead(AuditChain Chain, long Sequence, string Hash, long CheckpointedSequence, bool Held)
{
    public static ChainHead Empty(AuditChain chain) => new(chain, 0, AuditChain.Genesis, 0, Held: false);

    public bool Exists => Sequence > 0;
}

/// <summary>Everything stored in one chain's partition, in key order: events by position, then its checkpoints.</summary>
public sealed record ChainContents(IReadOnlyList<(long Position, StoredEvent Event)> Events, IReadOnlyList<AuditCheckpoint> Checkpoints);

/// <summary>One page of a chain read newest first, how many items it read, and where it stopped when that was early.</summary>
public sealed record ChainPage(IReadOnlyList<StoredEvent> Events, int Read, long? StoppedAt);

/// <summary>
/// Audit items in the audit table, mapped by hand here:
/// events      pk AUDIT#{tenant}#{day}   sk EVENT#{sequence:D10}
/// chain heads pk AUDIT-CHAINS#{tenant}  sk DAY#{day}, gsi1pk AUDIT-DAY#{day}, gsi1sk {tenant}
/// Every item of a chain carries the same ttl (end of its day + 30 days); a legal hold removes it.
/// </summary>
public sealed class AuditStore(IAmazonDynamoDB dynamo, OmakaseOptions options, Runtime runtime)
{
    private const string EventPrefix = "EVENT#";
    private const long MaxPosition = 9_999_999_999;

    private string Table => options.Tables.Audit;

    /// <summary>
    /// Events one append may carry: a transaction holds 100 items in DynamoDB (the events and the head), but only
    /// 10 in DynamoDB Local 1.11, which the local run and the tests use.
    /// </summary>
    public int MaxEventsPerAppend => runtime.InAws ? 99 : 9;

    public static string ChainPartition(AuditChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return $"AUDIT#{chain.TenantId}#{chain.DayText}";
    }

    public static string EventSortKey(long sequence) => EventPrefix + sequence.ToString("D10", CultureInfo.InvariantCulture);

    public static string ChainsPartition(string tenantId) => $"AUDIT-CHAINS#{tenantId}";

    public static string ChainSortKey(DateOnly day) => "DAY#" + AuditChain.Format(day);

    /// <summary>The gsi1 entry that lists every chain of a day: how the purge job finds expired chains without reading live ones.</summary>
    public static string DayIndexKey(DateOnly day) => "AUDIT-DAY#" + AuditChain.Format(day);

    public static Dictionary<string, AttributeValue> HeadKey(AuditChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return Attr.Key(ChainsPartition(chain.TenantId), ChainSortKey(chain.Day));
    }

    public static AttributeValue Expiry(AuditChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return Attr.N(chain.ExpiresAt.ToUnixTimeSeconds());
    }

    public async Task<ChainHead> ReadHeadAsync(AuditChain chain, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = HeadKey(chain), ConsistentRead = true }, cancellationToken)
            .ConfigureAwait(false);
        return response.IsItemSet ? HeadFromItem(response.Item) ?? ChainHead.Empty(chain) : ChainHead.Empty(chain);
    }

    /// <summary>
    /// Appends events after <paramref name="head"/> in one transaction: all or none. The head moves only from the
    /// state it was read in and no event position is written twice, so two writers can never fork a chain; the loser
    /// gets <see cref="TransactionCanceledException"/> and must read the head again.
    /// </summary>
    public async Task AppendAsync(ChainHead head, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(events);
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
                Put = new Put { TableName = Table, Item = HeadToItem(head.Chain, last), ConditionExpression = "attribute_not_exists(pk)" },
            });
        }

        items.AddRange(events.Select(e => new TransactWriteItem
        {
            Put = new Put { TableName = Table, Item = head.Held ? WithoutExpiry(EventToItem(e)) : EventToItem(e), ConditionExpression = "attribute_not_exists(pk)" },
        }));
        await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = items }, cancellationToken).ConfigureAwait(false);
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
                [":pk"] = Attr.S(ChainsPartition(tenantId)),
                [":from"] = Attr.S(ChainSortKey(from)),
                [":to"] = Attr.S(ChainSortKey(to)),
            },
            ScanIndexForward = !newestFirst,
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(HeadFromItem).OfType<ChainHead>()];
    }

    /// <summary>Every tenant's chain of one day, through the day index (gsi1).</summary>
    public async Task<List<ChainHead>> ListChainsOfDayAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            IndexName = TableSchema.Index1,
            KeyConditionExpression = "gsi1pk = :day",
            ExpressionAttributeValues = new() { [":day"] = Attr.S(DayIndexKey(day)) },
        }, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(HeadFromItem).OfType<ChainHead>()];
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
            if (sortKey.StartsWith(EventPrefix, StringComparison.Ordinal))
            {
                events.Add((PositionOf(sortKey), EventFromItem(chain, item)));
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
            [":first"] = Attr.S(EventSortKey(1)),
            [":below"] = Attr.S(below is { } b and <= MaxPosition ? EventSortKey(b - 1) : EventPrefix + "~"), // "~" sorts after every digit
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
                events.Add(EventFromItem(chain, item));
                if (events.Count == wanted)
                {
                    return new ChainPage(events, read, null);
                }
            }

            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null && read < maxRead);
        return new ChainPage(events, read, start is null ? null : PositionOf(start[TableSchema.SortKey].S));
    }

    /// <summary>An event appended to a chain under legal hold is held too: it carries no ttl.</summary>
    private static Dictionary<string, AttributeValue> WithoutExpiry(Dictionary<string, AttributeValue> item)
    {
        item.Remove(TableSchema.TimeToLive);
        return item;
    }

    public static Dictionary<string, AttributeValue> EventToItem(StoredEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var item = Attr.Key(ChainPartition(e.Chain), EventSortKey(e.Sequence));
        item["type"] = Attr.S("audit-event");
        item["tenantId"] = Attr.S(e.Chain.TenantId);
        item["day"] = Attr.S(e.Chain.DayText);
        item["seq"] = Attr.N(e.Sequence);
        item["eventId"] = Attr.S(e.EventId);
        item["time"] = Attr.S(e.Time);
        item["category"] = Attr.S(e.Category);
        item["action"] = Attr.S(e.Action);
        item["outcome"] = Attr.S(e.Outcome);
        AddIfPresent(item, "actorId", e.ActorId);
        AddIfPresent(item, "target", e.Target);
        AddIfPresent(item, "sourceIp", e.SourceIp);
        AddIfPresent(item, "userAgent", e.UserAgent);
        if (e.Details.Count > 0)
        {
            // An empty value is stored as NULL: DynamoDB Local refuses empty strings outside keys.
            item["details"] = new AttributeValue
            {
                M = e.Details.ToDictionary(d => d.Key, d => d.Value.Length == 0 ? new AttributeValue { NULL = true } : Attr.S(d.Value)),
            };
        }

        item["prevHash"] = Attr.S(e.PrevHash);
        item["hash"] = Attr.S(e.Hash);
        item[TableSchema.TimeToLive] = Expiry(e.Chain);
        return item;
    }

    /// <summary>Never throws on a damaged item: what is missing reads as empty, and the hash check fails instead.</summary>
    public static StoredEvent EventFromItem(AuditChain chain, Dictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var details = item.TryGetValue("details", out var map) && map.M is { } m
            ? m.ToDictionary(d => d.Key, d => d.Value.S ?? string.Empty, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        return new StoredEvent(
            chain,
            TryGetN(item, "seq") ?? 0,
            item.GetS("eventId") ?? string.Empty,
            item.GetS("time") ?? string.Empty,
            item.GetS("category") ?? string.Empty,
            item.GetS("actorId"),
            item.GetS("action") ?? string.Empty,
            item.GetS("target"),
            item.GetS("outcome") ?? string.Empty,
            item.GetS("sourceIp"),
            item.GetS("userAgent"),
            details,
            item.GetS("prevHash") ?? string.Empty,
            item.GetS("hash") ?? string.Empty);
    }

    private static Dictionary<string, AttributeValue> HeadToItem(AuditChain chain, StoredEvent last)
    {
        var item = HeadKey(chain);
        item["type"] = Attr.S("audit-chain");
        item["tenantId"] = Attr.S(chain.TenantId);
        item["day"] = Attr.S(chain.DayText);
        item["seq"] = Attr.N(last.Sequence);
        item["hash"] = Attr.S(last.Hash);
        item["checkpointedSeq"] = Attr.N(0);
        item[TableSchema.Index1PartitionKey] = Attr.S(DayIndexKey(chain.Day));
        item[TableSchema.Index1SortKey] = Attr.S(chain.TenantId);
        item[TableSchema.TimeToLive] = Expiry(chain);
        return item;
    }

    private static ChainHead? HeadFromItem(Dictionary<string, AttributeValue> item)
    {
        if (item.GetS("tenantId") is not { } tenantId || AuditChain.ParseDay(item.GetS("day")) is not { } day)
        {
            return null;
        }

        return new ChainHead(
            new AuditChain(tenantId, day),
            TryGetN(item, "seq") ?? 0,
            item.GetS("hash") ?? string.Empty,
            TryGetN(item, "checkpointedSeq") ?? 0,
            Held: !item.ContainsKey(TableSchema.TimeToLive));
    }

    private static long PositionOf(string sortKey) =>
        long.TryParse(sortKey.AsSpan(EventPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position : 0;

    private static long? TryGetN(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && long.TryParse(value.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static void AddIfPresent(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            item[name] = Attr.S(value);
        }
    }
}
