using System.ComponentModel.DataAnnotations;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Webhooks;

internal sealed record PutWebhookRequest([property: Required] string? Url, [property: Required] string? Secret);

internal sealed record DeliveryView(string DeliveryId, string EventType, string Status, int Attempts, int? LastStatusCode, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt);

/// <summary>The webhook as its tenant sees it: never the secret.</summary>
internal sealed record WebhookView(string Url, DateTimeOffset UpdatedAt, IReadOnlyList<DeliveryView> Deliveries);

/// <summary>What a receiver gets: the event, its tenant, and the notice.</summary>
internal sealed record WebhookPayload(string Id, string Type, string TenantId, DateTimeOffset CreatedAt, WebhookNotice Notice);

internal sealed record WebhookNotice(string NoticeId, string IncidentId, string Kind, string Message);
