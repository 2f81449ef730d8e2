using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.Webhooks;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;

namespace OmakaseRobo.Api.Features.Incidents;

/// <summary>Who sent a notice, as its audit records name them.</summary>
internal sealed record NoticeActor(string UserId, string TenantId, string? SourceIp, string? UserAgent)
{
    public static NoticeActor Of(Caller caller)
    {
        return new(caller.UserId, caller.TenantId, caller.SourceIp, caller.UserAgent);
    }
}

/// <summary>What one notice stores for one affected tenant: the notice, its pending delivery (when the tenant has a webhook), its audit record.</summary>
internal sealed record NoticeUnit(NoticeRecord Notice, DeliveryRecord? Delivery, PendingAudit Record);

/// <summary>A notice to every affected tenant, as it is committed (outbox): the notices, deliveries and audit records together.</summary>
internal sealed record NoticeBatch(string IncidentId, string Kind, string Message, DateTimeOffset CreatedAt, int Sequence, NoticeActor Actor, IReadOnlyList<NoticeUnit> Units)
{
    /// <summary>Builds a new batch: fresh ids, each tenant's record staged (checked) in the trail.</summary>
    public static NoticeBatch New(
        IncidentRecord incident, string kind, string message, DateTimeOffset now, NoticeActor actor, ISet<string> withWebhook, IAuditTrail trail)
    {
        var units = incident.AffectedTenantIds.Select(tenantId =>
        {
            var notice = new NoticeRecord(Platform.Storage.Ids.New("n"), tenantId, incident.IncidentId, kind, message, now);
            var delivery = withWebhook.Contains(tenantId) ? WebhookDispatcher.NewDelivery(tenantId, Platform.Storage.Ids.New("d"), WebhookNoticeOf(notice), now) : null;
            return new NoticeUnit(notice, delivery, trail.Stage(RecordOf(actor, notice)));
        }).ToList();
        return new NoticeBatch(incident.IncidentId, kind, message, now, incident.NoticeKinds.Count, actor, units);
    }

    /// <summary>The same batch again from what its dispatch item kept: the same ids and keys, so writing it again is idempotent.</summary>
    public static NoticeUnit Rebuild(
        string incidentId, string kind, string message, DateTimeOffset createdAt, NoticeActor actor,
        string tenantId, string noticeId, string? deliveryId, string outboxId, DateTimeOffset queuedAt, AuditOutboxStore outbox)
    {
        var notice = new NoticeRecord(noticeId, tenantId, incidentId, kind, message, createdAt);
        var delivery = deliveryId is null ? null : WebhookDispatcher.NewDelivery(tenantId, deliveryId, WebhookNoticeOf(notice), createdAt);
        return new NoticeUnit(notice, delivery, outbox.ToPending(outboxId, queuedAt, RecordOf(actor, notice) with { OccurredAt = queuedAt }));
    }

    /// <summary>The audit record of a notice, in the tenant's trail.</summary>
    public static AuditEvent RecordOf(NoticeActor actor, NoticeRecord notice)
    {
        return new AuditEvent(
            AuditCategory.Operation, notice.TenantId, actor.UserId, "incident.notice", notice.IncidentId, "success", actor.SourceIp, actor.UserAgent,
            new Dictionary<string, string> { ["kind"] = notice.Kind, ["noticeId"] = notice.NoticeId, ["actorTenantId"] = actor.TenantId });
    }

    private static WebhookNotice WebhookNoticeOf(NoticeRecord n) => new(n.NoticeId, n.IncidentId, n.Kind, n.Message);
}
