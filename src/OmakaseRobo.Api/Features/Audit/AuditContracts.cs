using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace OmakaseRobo.Api.Features.Audit;

// Properties, not constructor parameters: the request delegate generator cannot bind nullable ones (dotnet/aspnetcore#58953).

/// <summary>The query of GET /v1/tenants/{tenantId}/audit-events, as sent (strings, so bad values get field errors).</summary>
internal sealed record AuditEventsQuery
{
    [FromQuery(Name = "category")]
    public string? Category { get; init; }

    [FromQuery(Name = "from")]
    public string? From { get; init; }

    [FromQuery(Name = "to")]
    public string? To { get; init; }

    [FromQuery(Name = "cursor")]
    public string? Cursor { get; init; }

    [FromQuery(Name = "limit")]
    public string? Limit { get; init; }
}

/// <summary>The query of GET /v1/audit/verification.</summary>
internal sealed record AuditVerificationQuery
{
    [FromQuery(Name = "tenantId")]
    public string? TenantId { get; init; }

    [FromQuery(Name = "from")]
    public string? From { get; init; }

    [FromQuery(Name = "to")]
    public string? To { get; init; }
}

/// <summary>A checked listing request: events with <see cref="From"/> &lt;= time &lt; <see cref="To"/> (no upper bound when null).</summary>
internal sealed record AuditListing(string? Category, DateTimeOffset From, DateTimeOffset? To, int Limit, string? Cursor)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>The filters a cursor is bound to, as the caller sent them (defaults move with the clock).</summary>
    public string Binding { get; init; } = string.Empty;
}

internal sealed record AuditEventItem(
    string EventId,
    DateTimeOffset Time,
    string Category,
    string TenantId,
    string? ActorId,
    string Action,
    string? Target,
    string Outcome,
    string? SourceIp,
    string? UserAgent,
    IReadOnlyDictionary<string, string> Details,
    long Sequence,
    string Hash)
{
    public static AuditEventItem From(StoredEvent e)
    {
        return new(e.EventId, e.At, e.Category, e.Chain.TenantId, e.ActorId, e.Action, e.Target, e.Outcome, e.SourceIp, e.UserAgent, e.Details, e.Sequence, e.Hash);
    }
}

/// <summary>Newest first; <see cref="NextCursor"/> is null on the last page.</summary>
internal sealed record AuditEventList(
    IReadOnlyList<AuditEventItem> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>What the verifier found; <see cref="FirstBrokenEventId"/> and <see cref="Problem"/> are null when intact.</summary>
internal sealed record AuditVerification(
    bool Intact,
    long CheckedEvents,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FirstBrokenEventId,
    int CheckedChains,
    int CheckedCheckpoints,
    string? Problem);

/// <summary>What a checkpoint run signed.</summary>
internal sealed record CheckpointReport(int ChainsSigned, int Tenants, string KeyId, DateTimeOffset At);
