using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Incidents;

/// <summary>
/// The dispatch item of a chunked notice, mapped by hand: what it takes to write the same batch again (its ids, keys
/// and times), not the bodies, which are rebuilt from them.
/// </summary>
internal static class NoticeDispatchItem
{
    public static Dictionary<string, AttributeValue> ToItem(NoticeBatch batch)
    {
        var item = MainItems.NoticeDispatch.Key(batch.IncidentId, batch.Sequence);
        item[TableSchema.Type] = Attr.S(MainItems.NoticeDispatch.Type);
        item["incidentId"] = Attr.S(batch.IncidentId);
        item["kind"] = Attr.S(batch.Kind);
        item["message"] = Attr.S(batch.Message);
        item["createdAt"] = Attr.Time(batch.CreatedAt);
        item["sequence"] = Attr.N(batch.Sequence);
        var actor = new Dictionary<string, AttributeValue> { ["userId"] = Attr.S(batch.Actor.UserId), ["tenantId"] = Attr.S(batch.Actor.TenantId) };
        AuditItemMapping.AddIfPresent(actor, "sourceIp", batch.Actor.SourceIp);
        AuditItemMapping.AddIfPresent(actor, "userAgent", batch.Actor.UserAgent);
        item["actor"] = new AttributeValue { M = actor, IsMSet = true };
        item["units"] = new AttributeValue
        {
            IsLSet = true,
            L = [.. batch.Units.Select(u =>
            {
                var unit = new Dictionary<string, AttributeValue>
                {
                    ["tenantId"] = Attr.S(u.Notice.TenantId),
                    ["noticeId"] = Attr.S(u.Notice.NoticeId),
                    ["outboxId"] = Attr.S(u.Record.OutboxId),
                    ["queuedAt"] = Attr.Time(u.Record.QueuedAt),
                };
                AuditItemMapping.AddIfPresent(unit, "deliveryId", u.Delivery?.DeliveryId);
                return new AttributeValue { M = unit, IsMSet = true };
            })],
        };
        item[TableSchema.Index1PartitionKey] = Attr.S(MainItems.NoticeDispatch.ListPartition);
        item[TableSchema.Index1SortKey] = Attr.S(MainItems.NoticeDispatch.ListSortKey(batch.CreatedAt, batch.IncidentId));
        return item;
    }

    public static NoticeBatch FromItem(Dictionary<string, AttributeValue> item, AuditOutboxStore outbox)
    {
        var incidentId = item.RequireS("incidentId");
        var kind = item.RequireS("kind");
        var message = item.RequireS("message");
        var createdAt = item.GetTimeOrEpoch("createdAt");
        var a = item["actor"].M;
        var actor = new NoticeActor(a.RequireS("userId"), a.RequireS("tenantId"), a.GetS("sourceIp"), a.GetS("userAgent"));
        var units = item["units"].L.Select(u => NoticeBatch.Rebuild(
            incidentId, kind, message, createdAt, actor, u.M.RequireS("tenantId"), u.M.RequireS("noticeId"), u.M.GetS("deliveryId"),
            u.M.RequireS("outboxId"), u.M.GetTimeOrEpoch("queuedAt"), outbox)).ToList();
        return new NoticeBatch(incidentId, kind, message, createdAt, (int)(item.GetN("sequence") ?? 0), actor, units);
    }
}
