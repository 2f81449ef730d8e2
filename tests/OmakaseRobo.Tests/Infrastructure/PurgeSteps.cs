using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Features.Webhooks;
using OmakaseRobo.Api.Features.Jobs;
using OmakaseRobo.Api.Platform.Retention;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>Steps around the purge job: run it, put a legal hold on a chain as the holds feature does, look at every stored item.</summary>
internal static class PurgeSteps
{
    /// <summary>Bookkeeping the purge job itself writes (its cursor, its ledger of chains), not records.</summary>
    public static bool IsPurgeBookkeeping(Dictionary<string, AttributeValue> item) =>
        item["pk"].S.StartsWith("JOB#purge-records", StringComparison.Ordinal) || item["pk"].S.StartsWith("AUDIT-PURGE#", StringComparison.Ordinal);

    public static Task<PurgeReport> PurgeAsync(this OmakaseApp app, Action<long>? afterDeleted = null, CancellationToken cancellationToken = default) =>
        app.Services.GetRequiredService<PurgeRecordsJob>().PurgeAsync(afterDeleted, cancellationToken);

    /// <summary>Every item of both tables, keyed "table|pk|sk" (test data is small).</summary>
    public static async Task<Dictionary<string, Dictionary<string, AttributeValue>>> AllItemsAsync(this OmakaseApp app)
    {
        using var dynamo = OmakaseApp.Dynamo();
        var all = new Dictionary<string, Dictionary<string, AttributeValue>>();
        foreach (var table in new[] { app.MainTable, app.AuditTable })
        {
            Dictionary<string, AttributeValue>? start = null;
            do
            {
                var page = await dynamo.ScanAsync(new ScanRequest { TableName = table, ConsistentRead = true, ExclusiveStartKey = start });
                foreach (var item in page.Items ?? [])
                {
                    all[$"{(table == app.MainTable ? "main" : "audit")}|{item["pk"].S}|{item["sk"].S}"] = item;
                }

                start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
            }
            while (start is not null);
        }

        return all;
    }

    public static bool ExpiredAt(Dictionary<string, AttributeValue> item, DateTimeOffset now) =>
        item.TryGetValue("ttl", out var ttl) && long.Parse(ttl.N, CultureInfo.InvariantCulture) <= now.ToUnixTimeSeconds();

    /// <summary>What a legal hold does to a chain (the holds feature's contract): removes ttl from its head first, then from every item of its partition.</summary>
    public static Task HoldChainAsync(this OmakaseApp app, string tenantId, DateOnly day) =>
        app.UpdateChainAsync(tenantId, day, "REMOVE #ttl", null, headFirst: true);

    /// <summary>What releasing a hold does: puts the chain's ttl (end of its day + 30 days) back on every item, the head last.</summary>
    public static Task ReleaseChainAsync(this OmakaseApp app, string tenantId, DateOnly day)
    {
        var expiry = new DateTimeOffset(day.AddDays(31).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        return app.UpdateChainAsync(tenantId, day, "SET #ttl = :ttl", new AttributeValue { N = expiry.ToString(CultureInfo.InvariantCulture) }, headFirst: false);
    }

    public static async Task DeleteChainHeadAsync(this OmakaseApp app, string tenantId, DateOnly day)
    {
        using var dynamo = OmakaseApp.Dynamo();
        await dynamo.DeleteItemAsync(app.AuditTable, new() { ["pk"] = new($"AUDIT-CHAINS#{tenantId}"), ["sk"] = new($"DAY#{day:yyyy-MM-dd}") });
    }

    public static Task SaveDeliveryAsync(this OmakaseApp app, string tenantId, string deliveryId) =>
        app.Services.GetRequiredService<WebhookStore>().SaveDeliveryAsync(
            new DeliveryRecord(tenantId, deliveryId, "notice.initial", "{}", DeliveryRecord.Delivered, 1, 200, app.Clock.GetUtcNow(), null),
            CancellationToken.None);

    private static async Task UpdateChainAsync(this OmakaseApp app, string tenantId, DateOnly day, string update, AttributeValue? ttl, bool headFirst)
    {
        using var dynamo = OmakaseApp.Dynamo();
        var partition = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = app.AuditTable,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new($"AUDIT#{tenantId}#{day:yyyy-MM-dd}") },
            ConsistentRead = true,
        });
        var keys = (partition.Items ?? []).Select(i => new Dictionary<string, AttributeValue> { ["pk"] = i["pk"], ["sk"] = i["sk"] }).ToList();
        keys.Insert(headFirst ? 0 : keys.Count, new() { ["pk"] = new($"AUDIT-CHAINS#{tenantId}"), ["sk"] = new($"DAY#{day:yyyy-MM-dd}") });
        foreach (var key in keys)
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = app.AuditTable,
                Key = key,
                UpdateExpression = update,
                ExpressionAttributeNames = new() { ["#ttl"] = "ttl" },
                ExpressionAttributeValues = ttl is null ? null : new() { [":ttl"] = ttl },
            });
        }
    }
}
