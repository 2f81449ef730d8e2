using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// Checkpoint items in the audit table:
/// checkpoints            pk AUDIT#{tenant}#{day}   sk CHECKPOINT#{sequence:D10}  (in the partition of the chain they sign, same ttl)
/// tenant's latest one    pk AUDIT-CHAINS#{tenant}  sk CHECKPOINT, gsi1pk AUDIT-TENANTS  (no ttl: a few bytes per tenant)
/// </summary>
internal sealed class AuditCheckpointStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    private string Table => options.Tables.Audit;

    public async Task<CheckpointLink?> ReadLatestAsync(string tenantId, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = Table,
            Key = AuditItems.LatestCheckpoint.Key(tenantId),
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false);
        return response.IsItemSet ? LinkFromItem(response.Item) : null;
    }

    public async Task<List<string>> ListTenantsAsync(CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            IndexName = TableSchema.Index1,
            KeyConditionExpression = "gsi1pk = :tenants",
            ExpressionAttributeValues = new() { [":tenants"] = Attr.S(AuditItems.LatestCheckpoint.TenantsIndex) },
        }, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(i => i.GetS("tenantId")).OfType<string>()];
    }

    /// <summary>
    /// Stores a checkpoint, moves the tenant's latest checkpoint to it (only from <see cref="AuditCheckpoint.Previous"/>,
    /// so checkpoints never fork) and records on the chain head how far it is signed; all or none.
    /// </summary>
    public async Task AddAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var latest = AuditItems.LatestCheckpoint.Key(checkpoint.Chain.TenantId);
        latest[TableSchema.Type] = Attr.S(AuditItems.LatestCheckpoint.Type);
        latest["tenantId"] = Attr.S(checkpoint.Chain.TenantId);
        latest["day"] = Attr.S(checkpoint.Chain.DayText);
        latest["seq"] = Attr.N(checkpoint.Sequence);
        latest["hash"] = Attr.S(checkpoint.Hash);
        latest[TableSchema.Index1PartitionKey] = Attr.S(AuditItems.LatestCheckpoint.TenantsIndex);
        latest[TableSchema.Index1SortKey] = Attr.S(checkpoint.Chain.TenantId);
        var latestPut = new Put { TableName = Table, Item = latest };
        if (checkpoint.Previous is { } previous)
        {
            latestPut.ConditionExpression = "#seq = :previous";
            latestPut.ExpressionAttributeNames = new() { ["#seq"] = "seq" };
            latestPut.ExpressionAttributeValues = new() { [":previous"] = Attr.N(previous.Sequence) };
        }
        else
        {
            latestPut.ConditionExpression = "attribute_not_exists(pk)";
        }

        await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest
        {
            TransactItems =
            [
                new TransactWriteItem { Put = new Put { TableName = Table, Item = ToItem(checkpoint), ConditionExpression = "attribute_not_exists(pk)" } },
                new TransactWriteItem { Put = latestPut },
                new TransactWriteItem
                {
                    Update = new Update
                    {
                        TableName = Table,
                        Key = AuditStore.HeadKey(checkpoint.Chain),
                        UpdateExpression = "SET checkpointedSeq = :signed",
                        ConditionExpression = "attribute_exists(pk) AND checkpointedSeq < :signed",
                        ExpressionAttributeValues = new() { [":signed"] = Attr.N(checkpoint.HeadSequence) },
                    },
                },
            ],
        }, cancellationToken).ConfigureAwait(false);
    }

    public static Dictionary<string, AttributeValue> ToItem(AuditCheckpoint checkpoint)
    {
        var item = Attr.Key(AuditStore.ChainPartition(checkpoint.Chain), AuditItems.Checkpoint.SortKey(checkpoint.Sequence));
        item[TableSchema.Type] = Attr.S(AuditItems.Checkpoint.Type);
        item["tenantId"] = Attr.S(checkpoint.Chain.TenantId);
        item["day"] = Attr.S(checkpoint.Chain.DayText);
        item["seq"] = Attr.N(checkpoint.Sequence);
        item["headSeq"] = Attr.N(checkpoint.HeadSequence);
        item["headHash"] = Attr.S(checkpoint.HeadHash);
        if (checkpoint.Previous is { } previous)
        {
            item["prevDay"] = Attr.S(previous.DayText);
            item["prevSeq"] = Attr.N(previous.Sequence);
            item["prevHash"] = Attr.S(previous.Hash);
        }

        item["time"] = Attr.S(checkpoint.Time);
        item["keyId"] = Attr.S(checkpoint.KeyId);
        item["signature"] = Attr.S(checkpoint.Signature);
        item["hash"] = Attr.S(checkpoint.Hash);
        item[TableSchema.TimeToLive] = AuditStore.Expiry(checkpoint.Chain);
        return item;
    }

    /// <summary>Null when the item is not a checkpoint; never throws on a damaged one (its signature check fails instead).</summary>
    public static AuditCheckpoint? FromItem(AuditChain chain, Dictionary<string, AttributeValue> item)
    {
        var sortKey = item.GetS(TableSchema.SortKey) ?? string.Empty;
        if (!sortKey.StartsWith(AuditItems.Checkpoint.SortPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var sequence = long.TryParse(sortKey.AsSpan(AuditItems.Checkpoint.SortPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        var previous = AuditChain.ParseDay(item.GetS("prevDay")) is { } prevDay
            ? new CheckpointLink(prevDay, Number(item, "prevSeq"), item.GetS("prevHash") ?? string.Empty)
            : null;
        return new AuditCheckpoint(
            chain, sequence, Number(item, "headSeq"), item.GetS("headHash") ?? string.Empty, previous, item.GetS("time") ?? string.Empty,
            item.GetS("keyId") ?? string.Empty, item.GetS("signature") ?? string.Empty, item.GetS("hash") ?? string.Empty);
    }

    private static CheckpointLink? LinkFromItem(Dictionary<string, AttributeValue> item) =>
        AuditChain.ParseDay(item.GetS("day")) is { } day ? new CheckpointLink(day, Number(item, "seq"), item.GetS("hash") ?? string.Empty) : null;

    private static long Number(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && long.TryParse(value.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
