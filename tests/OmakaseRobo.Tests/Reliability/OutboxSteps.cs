using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Reliability;

/// <summary>Looking at the audit outbox and the chains straight in DynamoDB Local, past any fault proxy.</summary>
public static class OutboxSteps
{
    /// <summary>The events waiting in the outbox (the map each outbox item carries), optionally of one action.</summary>
    public static async Task<List<Dictionary<string, AttributeValue>>> OutboxEventsAsync(string auditTable, string? action = null)
    {
        using var dynamo = OmakaseApp.Dynamo();
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.ScanAsync(new ScanRequest
            {
                TableName = auditTable,
                FilterExpression = "#type = :outbox",
                ExpressionAttributeNames = new() { ["#type"] = TableSchema.Type },
                ExpressionAttributeValues = new() { [":outbox"] = new(AuditItems.Outbox.Type) },
                ConsistentRead = true,
                ExclusiveStartKey = start,
            });
            items.AddRange((page.Items ?? []).Select(i => i["event"].M));
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        return [.. items.Where(e => action is null || e["action"].S == action)];
    }

    /// <summary>The correlation ids, of those given, that access records in any chain carry (a scan, past any fault proxy).</summary>
    public static async Task<List<string>> AccessRecordsInChainsAsync(string auditTable, IReadOnlyCollection<string> ids)
    {
        using var dynamo = OmakaseApp.Dynamo();
        var found = new List<string>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.ScanAsync(new ScanRequest
            {
                TableName = auditTable,
                FilterExpression = "#category = :access",
                ExpressionAttributeNames = new() { ["#category"] = "category" },
                ExpressionAttributeValues = new() { [":access"] = new("access") },
                ConsistentRead = true,
                ExclusiveStartKey = start,
            });
            found.AddRange((page.Items ?? []).Select(i => i.Detail("correlationId")).OfType<string>().Where(ids.Contains));
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        return found;
    }

    /// <summary>The events of one action in a tenant's chain of today.</summary>
    public static async Task<List<Dictionary<string, AttributeValue>>> ChainEventsAsync(this OmakaseApp app, string tenantId, string action) =>
        [.. (await app.StoredEventsAsync(tenantId, app.Today())).Where(e => e["action"].S == action)];

    public static string? Target(this Dictionary<string, AttributeValue> e) => e.TryGetValue("target", out var t) ? t.S : null;

    public static string? Detail(this Dictionary<string, AttributeValue> e, string name) =>
        e.TryGetValue("details", out var d) && d.M.TryGetValue(name, out var v) ? v.S : null;
}
