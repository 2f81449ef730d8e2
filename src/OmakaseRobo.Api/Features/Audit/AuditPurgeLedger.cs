using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// The purge job's own bookkeeping in the audit table; never a record, no ttl, deleted only by the job:
/// ledger   pk AUDIT-PURGE#{day}    sk {tenant}        the chains of a closed day, copied from gsi1 before they expire, so a
///                                                     chain is still found when DynamoDB TTL deletes its head before its events
/// pending  pk AUDIT-PURGE#PENDING  sk {day}#{tenant}  expired chains the day walk passed but had to keep (held), looked at
///                                                     again on every run, so a released hold is purged without re-walking days
/// </summary>
internal sealed class AuditPurgeLedger(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    private string Table => options.Tables.Audit;

    public async Task RecordAsync(DateOnly day, string tenantId, CancellationToken cancellationToken)
    {
        var item = AuditItems.PurgeLedger.Key(AuditChain.Format(day), tenantId);
        item[TableSchema.Type] = Attr.S(AuditItems.PurgeLedger.Type);
        item["tenantId"] = Attr.S(tenantId);
        item["day"] = Attr.S(AuditChain.Format(day));
        await dynamo.PutItemAsync(new PutItemRequest { TableName = Table, Item = item }, cancellationToken).ConfigureAwait(false);
    }

    public Task ForgetAsync(DateOnly day, string tenantId, CancellationToken cancellationToken) =>
        dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = Table, Key = AuditItems.PurgeLedger.Key(AuditChain.Format(day), tenantId) }, cancellationToken);

    public async Task MarkPendingAsync(DateOnly day, string tenantId, CancellationToken cancellationToken)
    {
        var item = AuditItems.PurgePending.Key(AuditChain.Format(day), tenantId);
        item[TableSchema.Type] = Attr.S(AuditItems.PurgePending.Type);
        item["tenantId"] = Attr.S(tenantId);
        item["day"] = Attr.S(AuditChain.Format(day));
        await dynamo.PutItemAsync(new PutItemRequest { TableName = Table, Item = item }, cancellationToken).ConfigureAwait(false);
    }

    public Task ForgetPendingAsync(DateOnly day, string tenantId, CancellationToken cancellationToken) =>
        dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = Table, Key = AuditItems.PurgePending.Key(AuditChain.Format(day), tenantId) }, cancellationToken);

    /// <summary>The tenants the ledger lists for a day, page by page.</summary>
    public async IAsyncEnumerable<string> TenantsOfDayAsync(DateOnly day, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in QueryAsync(AuditItems.PurgeLedger.DayPartition(AuditChain.Format(day)), pageSize, cancellationToken).ConfigureAwait(false))
        {
            if (item.GetS("tenantId") is { } tenantId)
            {
                yield return tenantId;
            }
        }
    }

    /// <summary>Every pending chain, page by page.</summary>
    public async IAsyncEnumerable<AuditChain> PendingAsync(int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in QueryAsync(AuditItems.PurgePending.Partition, pageSize, cancellationToken).ConfigureAwait(false))
        {
            if (item.GetS("tenantId") is { } tenantId && AuditChain.ParseDay(item.GetS("day")) is { } day)
            {
                yield return new AuditChain(tenantId, day);
            }
        }
    }

    private IAsyncEnumerable<Dictionary<string, AttributeValue>> QueryAsync(string partition, int pageSize, CancellationToken cancellationToken) =>
        dynamo.QueryItemsAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = Attr.S(partition) },
            ProjectionExpression = "tenantId, #day",
            ExpressionAttributeNames = new() { ["#day"] = "day" },
            ConsistentRead = true,
            Limit = pageSize,
        }, cancellationToken);
}
