using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// Audit events in the audit table: one partition per tenant, sorted by time, kept 30 days (TTL).
/// </summary>
public sealed class AuditStore(IAmazonDynamoDB dynamo, OmakaseOptions options, TimeProvider clock) : IAuditTrail
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    public async Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var now = clock.GetUtcNow();
        var eventId = Guid.CreateVersion7(now).ToString("N");
        var time = now.ToString("O", CultureInfo.InvariantCulture);
        var item = new Dictionary<string, AttributeValue>
        {
            [TableSchema.PartitionKey] = new($"AUDIT#{auditEvent.TenantId}"),
            [TableSchema.SortKey] = new($"{time}#{eventId}"),
            [TableSchema.TimeToLive] = new() { N = (now + Retention).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) },
            ["eventId"] = new(eventId),
            ["time"] = new(time),
            ["category"] = new(auditEvent.Category),
            ["tenantId"] = new(auditEvent.TenantId),
            ["action"] = new(auditEvent.Action),
            ["outcome"] = new(auditEvent.Outcome),
        };
        AddIfPresent(item, "actorId", auditEvent.ActorId);
        AddIfPresent(item, "target", auditEvent.Target);
        AddIfPresent(item, "sourceIp", auditEvent.SourceIp);
        AddIfPresent(item, "userAgent", auditEvent.UserAgent is { Length: > 512 } ua ? ua[..512] : auditEvent.UserAgent);
        if (auditEvent.Details is { Count: > 0 } details)
        {
            // An empty value is stored as NULL: DynamoDB Local refuses empty strings outside keys.
            item["details"] = new() { M = details.ToDictionary(d => d.Key, d => d.Value.Length == 0 ? new AttributeValue { NULL = true } : new AttributeValue(d.Value)) };
        }

        await dynamo.PutItemAsync(new PutItemRequest { TableName = options.Tables.Audit, Item = item }, cancellationToken).ConfigureAwait(false);
    }

    private static void AddIfPresent(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            item[name] = new AttributeValue(value);
        }
    }
}
