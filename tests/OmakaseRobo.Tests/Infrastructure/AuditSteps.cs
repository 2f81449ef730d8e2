using System.Net;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>Steps around the audit trail: wait for queued records, run the checkpoint job, look at and tamper with stored items.</summary>
internal static class AuditSteps
{
    /// <summary>Waits until every access record queued so far is stored.</summary>
    public static Task FlushAuditAsync(this OmakaseApp app) => app.Services.GetRequiredService<AuditBuffer>().FlushAsync(CancellationToken.None);

    /// <summary>What the scheduled job does: sign every chain head that grew.</summary>
    public static Task<CheckpointReport> CheckpointAuditAsync(this OmakaseApp app) =>
        app.Services.GetRequiredService<AuditIntegrityService>().CheckpointAsync(CancellationToken.None);

    /// <summary>GET /v1/audit/verification as the given operator.</summary>
    public static async Task<JsonElement> VerifyAuditAsync(this OmakaseApp app, string token, string query = "") =>
        await ApiClient.ReadAsync(await app.Api().GetAsync("/v1/audit/verification" + query, token), HttpStatusCode.OK);

    public static DateOnly Today(this OmakaseApp app) => DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);

    /// <summary>Every string of a stored event, details included, one per line: what a test searches for a value.</summary>
    public static string Strings(Dictionary<string, AttributeValue> item) => string.Join('\n', item.Values.Select(Flatten));

    /// <summary>The stored events of a tenant's chain of one day, in position order.</summary>
    public static async Task<List<Dictionary<string, AttributeValue>>> StoredEventsAsync(this OmakaseApp app, string tenantId, DateOnly day)
    {
        using var dynamo = OmakaseApp.Dynamo();
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.QueryAsync(new QueryRequest
            {
                TableName = app.AuditTable,
                KeyConditionExpression = "pk = :pk AND begins_with(sk, :events)",
                ExpressionAttributeValues = new() { [":pk"] = new($"AUDIT#{tenantId}#{day:yyyy-MM-dd}"), [":events"] = new("EVENT#") },
                ConsistentRead = true,
                ExclusiveStartKey = start,
            });
            items.AddRange(page.Items ?? []);
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        return items;
    }

    /// <summary>What the purge job does to an expired day: every chain of it, found through the day index, deleted whole.</summary>
    public static async Task PurgeDayAsync(this OmakaseApp app, DateOnly day, string? onlyTenantId = null)
    {
        using var dynamo = OmakaseApp.Dynamo();
        var heads = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = app.AuditTable,
            IndexName = "gsi1",
            KeyConditionExpression = "gsi1pk = :day",
            ExpressionAttributeValues = new() { [":day"] = new($"AUDIT-DAY#{day:yyyy-MM-dd}") },
        });
        foreach (var head in (heads.Items ?? []).Where(h => onlyTenantId is null || h["tenantId"].S == onlyTenantId))
        {
            var partition = await dynamo.QueryAsync(new QueryRequest
            {
                TableName = app.AuditTable,
                KeyConditionExpression = "pk = :pk",
                ExpressionAttributeValues = new() { [":pk"] = new($"AUDIT#{head["tenantId"].S}#{day:yyyy-MM-dd}") },
            });
            foreach (var item in partition.Items ?? [])
            {
                await dynamo.DeleteItemAsync(app.AuditTable, new() { ["pk"] = item["pk"], ["sk"] = item["sk"] });
            }

            await dynamo.DeleteItemAsync(app.AuditTable, new() { ["pk"] = head["pk"], ["sk"] = head["sk"] });
        }
    }

    /// <summary>A returning user's sign-in: password, then a TOTP code when enrolled.</summary>
    public static async Task<string> SignInAgainAsync(this OmakaseApp app, SignedIn user)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(user);
        var login = await app.LoginAsync(user.TenantId, user.Email, user.Password);
        if (!login.TryGetProperty("mfaToken", out var mfaToken))
        {
            return login.GetProperty("accessToken").GetString()!;
        }

        var session = await ApiClient.ReadAsync(
            await app.Api().PostAsync("/v1/auth/mfa/verify", new { mfaToken = mfaToken.GetString(), code = app.NextTotp(user.TotpSecret!) }),
            HttpStatusCode.OK);
        return session.GetProperty("accessToken").GetString()!;
    }

    private static string Flatten(AttributeValue value) =>
        value.S ?? (value.M is { Count: > 0 } map ? string.Join('\n', map.Values.Select(Flatten)) : string.Empty);
}
