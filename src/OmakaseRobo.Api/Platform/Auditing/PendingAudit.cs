using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Platform.Auditing;

/// <summary>
/// An audit record in the outbox: <see cref="Write"/> puts it in the audit table as one more item of the change's own
/// transaction (the change and its record commit together or not at all); <see cref="IAuditTrail.AppendAsync"/> then
/// moves it into its chain. <see cref="Event"/> carries its time (<see cref="AuditEvent.OccurredAt"/>).
/// </summary>
internal sealed record PendingAudit(string OutboxId, DateTimeOffset QueuedAt, AuditEvent Event, TransactWriteItem Write)
{
    public Dictionary<string, AttributeValue> Key => AuditItems.Outbox.Key(OutboxId, QueuedAt);

    /// <summary>The outbox item alone, for a change that is nothing but its record (an access record).</summary>
    public PutItemRequest AsPutItem() => new() { TableName = Write.Put.TableName, Item = Write.Put.Item };
}
