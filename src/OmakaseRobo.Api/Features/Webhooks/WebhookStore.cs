using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Webhooks;

internal sealed record WebhookConfig(string TenantId, string Url, string SealedSecret, DateTimeOffset UpdatedAt);

internal sealed record DeliveryRecord(
    string TenantId, string DeliveryId, string EventType, string Body, string Status, int Attempts, int? LastStatusCode,
    DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt)
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

/// <summary>
/// A tenant's webhook (TENANT#id / #WEBHOOK, secret envelope-encrypted) and its deliveries (TENANT#id / DELIVERY#id,
/// kept 30 days). Pending deliveries sit in gsi1 WEBHOOK-RETRY by next attempt time, so the retry sweep reads only them.
/// </summary>
internal sealed class WebhookStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    public const string RetryPartition = "WEBHOOK-RETRY";
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    private string Table => options.Tables.Main;

    private static Dictionary<string, AttributeValue> ConfigKey(string tenantId) => MainItems.Webhook.Key(tenantId);

    private static Dictionary<string, AttributeValue> DeliveryKey(string tenantId, string deliveryId) => MainItems.WebhookDelivery.Key(tenantId, deliveryId);

    /// <summary>Sets the webhook and its audit record in one transaction.</summary>
    public async Task PutAsync(WebhookConfig config, PendingAudit record, CancellationToken cancellationToken)
    {
        var item = ConfigKey(config.TenantId);
        item[TableSchema.Type] = Attr.S(MainItems.Webhook.Type);
        item["url"] = Attr.S(config.Url);
        item["secret"] = Attr.S(config.SealedSecret);
        item["updatedAt"] = Attr.Time(config.UpdatedAt);
        await dynamo.CommitAsync([new TransactWriteItem { Put = new Put { TableName = Table, Item = item } }], record, cancellationToken).ConfigureAwait(false);
    }

    public async Task<WebhookConfig?> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = ConfigKey(tenantId), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
        return response.IsItemSet
            ? new WebhookConfig(tenantId, response.Item.RequireS("url"), response.Item.RequireS("secret"), response.Item.GetTimeOrEpoch("updatedAt"))
            : null;
    }

    public Task SaveDeliveryAsync(DeliveryRecord delivery, CancellationToken cancellationToken) =>
        dynamo.PutItemAsync(new PutItemRequest { TableName = Table, Item = DeliveryToItem(delivery) }, cancellationToken);

    /// <summary>A new delivery as one item of another change's transaction (a notice stores its deliveries with it).</summary>
    public TransactWriteItem DeliveryWrite(DeliveryRecord delivery) => new() { Put = new Put { TableName = Table, Item = DeliveryToItem(delivery) } };

    /// <summary>The webhooks of <paramref name="tenantIds"/>, where they have one.</summary>
    public async Task<List<WebhookConfig>> GetManyAsync(IEnumerable<string> tenantIds, CancellationToken cancellationToken) =>
        [.. (await Task.WhenAll(tenantIds.Select(t => GetAsync(t, cancellationToken))).ConfigureAwait(false)).OfType<WebhookConfig>()];

    private static Dictionary<string, AttributeValue> DeliveryToItem(DeliveryRecord delivery)
    {
        var item = DeliveryKey(delivery.TenantId, delivery.DeliveryId);
        item[TableSchema.Type] = Attr.S(MainItems.WebhookDelivery.Type);
        item["tenantId"] = Attr.S(delivery.TenantId);
        item["deliveryId"] = Attr.S(delivery.DeliveryId);
        item["eventType"] = Attr.S(delivery.EventType);
        item["body"] = Attr.S(delivery.Body);
        item["status"] = Attr.S(delivery.Status);
        item["attempts"] = Attr.N(delivery.Attempts);
        item["createdAt"] = Attr.Time(delivery.CreatedAt);
        ExpiryIndex.Stamp(item, delivery.CreatedAt + Retention);
        if (delivery.LastStatusCode is { } code)
        {
            item["lastStatusCode"] = Attr.N(code);
        }

        if (delivery.Status == DeliveryRecord.Pending && delivery.NextAttemptAt is { } next)
        {
            item["nextAttemptAt"] = Attr.Time(next);
            item[TableSchema.Index1PartitionKey] = Attr.S(RetryPartition);
            item[TableSchema.Index1SortKey] = Attr.S($"{next.ToUnixTimeMilliseconds():D15}#{delivery.TenantId}#{delivery.DeliveryId}");
        }

        return item;
    }

    /// <summary>
    /// The tenant's latest <paramref name="count"/> deliveries, newest first. Delivery ids are random, so the key does not
    /// order them by time: every delivery of the tenant is read (they are kept 30 days and come from notices, which only
    /// operators send) and sorted by creation.
    /// </summary>
    public async Task<List<DeliveryRecord>> LatestDeliveriesAsync(string tenantId, int count, CancellationToken cancellationToken)
    {
        var deliveries = (await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :delivery)",
            ExpressionAttributeValues = new() { [":pk"] = Attr.S(MainItems.Tenant.Partition(tenantId)), [":delivery"] = Attr.S(MainItems.WebhookDelivery.SortPrefix) },
        }, cancellationToken).ConfigureAwait(false)).Select(FromItem);
        return [.. deliveries.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.DeliveryId, StringComparer.Ordinal).Take(count)];
    }

    /// <summary>One page of the pending deliveries whose next attempt is due, oldest due first; <c>Next</c> continues it.</summary>
    public async Task<(List<DeliveryRecord> Due, Dictionary<string, AttributeValue>? Next)> DueAsync(
        DateTimeOffset now, Dictionary<string, AttributeValue>? from, CancellationToken cancellationToken)
    {
        var response = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Table,
            IndexName = TableSchema.Index1,
            KeyConditionExpression = "gsi1pk = :retry AND gsi1sk <= :now",
            ExpressionAttributeValues = new() { [":retry"] = Attr.S(RetryPartition), [":now"] = Attr.S($"{now.ToUnixTimeMilliseconds():D15}~") },
            Limit = 100,
            ExclusiveStartKey = from,
        }, cancellationToken).ConfigureAwait(false);
        return ([.. response.Items.Select(FromItem)], response.LastEvaluatedKey is { Count: > 0 } next ? next : null);
    }

    private static DeliveryRecord FromItem(Dictionary<string, AttributeValue> item) => new(
        item.RequireS("tenantId"), item.RequireS("deliveryId"), item.RequireS("eventType"), item.RequireS("body"), item.RequireS("status"),
        (int)(item.GetN("attempts") ?? 0), item.GetN("lastStatusCode") is { } code ? (int)code : null,
        item.GetTimeOrEpoch("createdAt"),
        item.GetTime("nextAttemptAt"));
}
