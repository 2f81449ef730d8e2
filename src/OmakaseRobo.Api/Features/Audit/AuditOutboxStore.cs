using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// The outbox items of the audit table, mapped by hand here: pk AUDIT-OUTBOX#{shard}, sk {queued ms}#{id}; the event
/// as it was staged (checked and trimmed) in the map <c>event</c>, so nothing reads it as a chained event.
/// </summary>
internal sealed class AuditOutboxStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    private string Table => options.Tables.Audit;

    public PendingAudit ToPending(string outboxId, DateTimeOffset queuedAt, AuditEvent staged)
    {
        var item = AuditItems.Outbox.Key(outboxId, queuedAt);
        item[TableSchema.Type] = Attr.S(AuditItems.Outbox.Type);
        item["outboxId"] = Attr.S(outboxId);
        item["queuedAt"] = Attr.Time(queuedAt);
        var e = new Dictionary<string, AttributeValue>
        {
            ["category"] = Attr.S(staged.Category),
            ["tenantId"] = Attr.S(staged.TenantId),
            ["action"] = Attr.S(staged.Action),
            ["outcome"] = Attr.S(staged.Outcome),
            ["time"] = Attr.S(AuditChain.FormatTime(staged.OccurredAt ?? queuedAt)),
        };
        AuditItemMapping.AddIfPresent(e, "actorId", staged.ActorId);
        AuditItemMapping.AddIfPresent(e, "target", staged.Target);
        AuditItemMapping.AddIfPresent(e, "sourceIp", staged.SourceIp);
        AuditItemMapping.AddIfPresent(e, "userAgent", staged.UserAgent);
        if (staged.Details is { Count: > 0 } details)
        {
            e["details"] = AuditItemMapping.DetailsToAttribute(details);
        }

        item["event"] = new AttributeValue { M = e, IsMSet = true };
        return new PendingAudit(outboxId, queuedAt, staged, new TransactWriteItem { Put = new Put { TableName = Table, Item = item } });
    }

    /// <summary>Writes records that are their own change (access records, the start record): one round trip.</summary>
    public async Task PutAsync(IReadOnlyList<PendingAudit> records, CancellationToken cancellationToken)
    {
        if (records.Count == 1)
        {
            await dynamo.PutItemAsync(records[0].AsPutItem(), cancellationToken).ConfigureAwait(false);
        }
        else if (records.Count > 1)
        {
            await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = [.. records.Select(r => r.Write)] }, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Puts up to <see cref="BatchDeleter.BatchSize"/> records in one BatchWriteItem; returns those DynamoDB left
    /// unprocessed. Putting a record again is harmless: same key, same item, and an append deletes it only once.
    /// </summary>
    public async Task<List<PendingAudit>> PutBatchAsync(IReadOnlyList<PendingAudit> records, CancellationToken cancellationToken)
    {
        var response = await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest
        {
            RequestItems = new() { [Table] = [.. records.Select(r => new WriteRequest { PutRequest = new PutRequest { Item = r.Write.Put.Item } })] },
        }, cancellationToken).ConfigureAwait(false);
        if (response.UnprocessedItems is not { Count: > 0 } left || !left.TryGetValue(Table, out var requests) || requests.Count == 0)
        {
            return [];
        }

        var unprocessed = requests.Select(w => w.PutRequest?.Item?.GetS("outboxId")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return [.. records.Where(r => unprocessed.Contains(r.OutboxId))];
    }

    /// <summary>Every outbox item queued before <paramref name="before"/>, oldest first, from every shard.</summary>
    public async Task<List<PendingAudit>> ListQueuedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, AuditItems.Outbox.Shards).Select(shard => dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "pk = :pk AND sk < :before",
            ExpressionAttributeValues = new()
            {
                [":pk"] = Attr.S(AuditItems.Outbox.Partition(shard)),
                [":before"] = Attr.S(AuditItems.Outbox.SortKeyBefore(before)),
            },
            ConsistentRead = true,
        }, cancellationToken))).ConfigureAwait(false);
        return [.. shards.SelectMany(items => items).Select(FromItem).OfType<PendingAudit>().OrderBy(p => p.QueuedAt)];
    }

    /// <summary>An item someone damaged reads as nothing rather than stopping the drain of the others.</summary>
    private PendingAudit? FromItem(Dictionary<string, AttributeValue> item)
    {
        if (item.GetS("outboxId") is not { } id || item.GetN("queuedAt") is not { } ms || !item.TryGetValue("event", out var map) || map.M is not { } e
            || e.GetS("category") is not { } category || e.GetS("tenantId") is not { } tenantId || e.GetS("action") is not { } action
            || e.GetS("outcome") is not { } outcome || e.GetS("time") is not { } time)
        {
            return null;
        }

        var staged = new AuditEvent(
            category, tenantId, e.GetS("actorId"), action, e.GetS("target"), outcome, e.GetS("sourceIp"), e.GetS("userAgent"),
            e.TryGetValue("details", out var details) ? AuditItemMapping.DetailsFromAttribute(details) : null)
        {
            OccurredAt = DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal),
        };
        return ToPending(id, DateTimeOffset.FromUnixTimeMilliseconds(ms), staged);
    }
}
