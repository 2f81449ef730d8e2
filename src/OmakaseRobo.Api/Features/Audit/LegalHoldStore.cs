using OmakaseRobo.Api.Platform.Auditing;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Audit;

internal sealed record LegalHold(
    string HoldId, string IncidentId, string TenantId, DateTimeOffset From, DateTimeOffset To, string Status,
    string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? ReleasedAt)
{
    public const string Active = "active";
    public const string Released = "released";

    public bool IsActive => Status == Active;

    /// <summary>The days whose chains hold the window's records: <see cref="To"/> is exclusive, so a window that ends at midnight keeps no day after it.</summary>
    public (DateOnly First, DateOnly Last) Days => (AuditChain.DayOf(From), AuditChain.DayOf(To.AddTicks(-1)));
}

/// <summary>Holds under their incident (INCIDENT#id / HOLD#id), and all of them in gsi1 LEGAL-HOLDS by tenant.</summary>
internal sealed class LegalHoldStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    private string Table => options.Tables.Main;

    private static Dictionary<string, AttributeValue> Key(string incidentId, string holdId) => MainItems.LegalHold.Key(incidentId, holdId);

    /// <summary>Stores a hold as it now is, with the audit record of the change, in one transaction.</summary>
    public async Task PutAsync(LegalHold hold, PendingAudit record, CancellationToken cancellationToken)
    {
        var item = Key(hold.IncidentId, hold.HoldId);
        item[TableSchema.Type] = Attr.S(MainItems.LegalHold.Type);
        item["holdId"] = Attr.S(hold.HoldId);
        item["incidentId"] = Attr.S(hold.IncidentId);
        item["tenantId"] = Attr.S(hold.TenantId);
        item["from"] = Attr.Time(hold.From);
        item["to"] = Attr.Time(hold.To);
        item["status"] = Attr.S(hold.Status);
        item["createdBy"] = Attr.S(hold.CreatedBy);
        item["createdAt"] = Attr.Time(hold.CreatedAt);
        item[TableSchema.Index1PartitionKey] = Attr.S(MainItems.LegalHold.ListPartition);
        item[TableSchema.Index1SortKey] = Attr.S($"{hold.TenantId}#{hold.HoldId}");
        if (hold.ReleasedAt is { } released)
        {
            item["releasedAt"] = Attr.Time(released);
        }

        await dynamo.CommitAsync([new TransactWriteItem { Put = new Put { TableName = Table, Item = item } }], record, cancellationToken).ConfigureAwait(false);
    }

    public async Task<List<LegalHold>> ListForIncidentAsync(string incidentId, CancellationToken cancellationToken) =>
        await QueryAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :hold)",
            ExpressionAttributeValues = new() { [":pk"] = Attr.S(MainItems.Incident.Partition(incidentId)), [":hold"] = Attr.S(MainItems.LegalHold.SortPrefix) },
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Every hold, or a tenant's, active and released.</summary>
    public async Task<List<LegalHold>> ListAsync(string? tenantId, CancellationToken cancellationToken) =>
        await QueryAsync(new QueryRequest
        {
            TableName = Table,
            IndexName = TableSchema.Index1,
            KeyConditionExpression = tenantId is null ? "gsi1pk = :all" : "gsi1pk = :all AND begins_with(gsi1sk, :tenant)",
            ExpressionAttributeValues = tenantId is null
                ? new() { [":all"] = Attr.S(MainItems.LegalHold.ListPartition) }
                : new() { [":all"] = Attr.S(MainItems.LegalHold.ListPartition), [":tenant"] = Attr.S(tenantId + "#") },
        }, cancellationToken).ConfigureAwait(false);

    private async Task<List<LegalHold>> QueryAsync(QueryRequest query, CancellationToken cancellationToken) =>
        [.. (await dynamo.QueryAllAsync(query, cancellationToken).ConfigureAwait(false)).Select(FromItem)];

    private static LegalHold FromItem(Dictionary<string, AttributeValue> item) => new(
        item.RequireS("holdId"), item.RequireS("incidentId"), item.RequireS("tenantId"),
        item.GetTimeOrEpoch("from"), item.GetTimeOrEpoch("to"),
        item.RequireS("status"), item.RequireS("createdBy"), item.GetTimeOrEpoch("createdAt"),
        item.GetTime("releasedAt"));
}
