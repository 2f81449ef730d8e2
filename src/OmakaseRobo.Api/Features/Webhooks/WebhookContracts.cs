using System.ComponentModel.DataAnnotations;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Webhooks;

public sealed record PutWebhookRequest([property: Required] string? Url, [property: Required] string? Secret);

public sealed record DeliveryView(string DeliveryId, string EventType, string Status, int Attempts, int? LastStatusCode, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt);

/// <summary>The webhook as its tenant sees it: never the secret.</summary>
public sealed record WebhookView(string Url, DateTimeOffset UpdatedAt, IReadOnlyList<DeliveryView> Deliveries);

/// <summary>What a receiver gets: the event, its tenant, and the notice.</summary>
public sealed record WebhookPayload(string Id, string Type, string TenantId, DateTimeOffset CreatedAt, WebhookNotice Notice);

public sealed record WebhookNotice(string NoticeId, string IncidentId, string Kind, string Message);
