using System.Globalization;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>An audit event as the trail holds it: its place in its chain, and the hashes that link it there.</summary>
internal sealed record StoredEvent(
    AuditChain Chain,
    long Sequence,
    string EventId,
    string Time,
    string Category,
    string? ActorId,
    string Action,
    string? Target,
    string Outcome,
    string? SourceIp,
    string? UserAgent,
    IReadOnlyDictionary<string, string> Details,
    string PrevHash,
    string Hash)
{
    /// <summary>The time as a value; a damaged item reads as the earliest time rather than failing a listing.</summary>
    public DateTimeOffset At =>
        DateTimeOffset.TryParse(Time, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.MinValue;

    /// <summary>Places an event at <paramref name="sequence"/> after <paramref name="prevHash"/>, and hashes it there.</summary>
    public static StoredEvent Link(AuditChain chain, long sequence, string prevHash, StampedEvent stamped)
    {
        var e = stamped.Event;
        var unhashed = new StoredEvent(
            chain, sequence, chain.EventId(sequence), stamped.Time, e.Category, e.ActorId, e.Action, e.Target, e.Outcome, e.SourceIp,
            e.UserAgent, e.Details ?? new Dictionary<string, string>(), prevHash, string.Empty);
        return unhashed with { Hash = ChainHash.OfEvent(unhashed) };
    }
}

/// <summary>An event accepted for the trail: checked, trimmed to size, and given its time and chain.</summary>
internal sealed record StampedEvent(AuditEvent Event, string Time, AuditChain Chain)
{
    public const int MaxDetails = 32;

    /// <summary>The outbox item the event comes from, deleted in the transaction that appends it; none for a direct write.</summary>
    public Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue>? OutboxKey { get; init; }

    /// <summary>The outbox item's id, so one record queued twice in a batch is appended once.</summary>
    public string? OutboxId { get; init; }

    public static StampedEvent From(AuditEvent auditEvent, DateTimeOffset now)
    {
        if (!AuditCategory.All.Contains(auditEvent.Category))
        {
            throw new ArgumentException($"Unknown audit category '{auditEvent.Category}'.", nameof(auditEvent));
        }

        // The tenant id becomes part of a key: only plain ids, so no tenant can name its way into another's chain.
        if (!Platform.Storage.Ids.IsWellFormed(auditEvent.TenantId) || string.IsNullOrEmpty(auditEvent.Action) || string.IsNullOrEmpty(auditEvent.Outcome))
        {
            throw new ArgumentException("An audit event needs a well-formed tenant id, an action and an outcome.", nameof(auditEvent));
        }

        var time = auditEvent.OccurredAt ?? now;
        var trimmed = auditEvent with
        {
            ActorId = Trim(auditEvent.ActorId, 128),
            Action = Trim(auditEvent.Action, 256)!,
            Target = Trim(auditEvent.Target, 512),
            Outcome = Trim(auditEvent.Outcome, 64)!,
            SourceIp = Trim(auditEvent.SourceIp, 64),
            UserAgent = Trim(auditEvent.UserAgent, 512),
            Details = TrimDetails(auditEvent.Details),
        };
        return new StampedEvent(trimmed, AuditChain.FormatTime(time), AuditChain.Of(auditEvent.TenantId, time));
    }

    private static Dictionary<string, string>? TrimDetails(IReadOnlyDictionary<string, string>? details)
    {
        if (details is null)
        {
            return null;
        }

        var trimmed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in details.Take(MaxDetails))
        {
            trimmed.TryAdd(Trim(key, 64) ?? "-", Trim(value, 1024) ?? string.Empty);
        }

        return trimmed;
    }

    /// <summary>Empty means absent: DynamoDB Local refuses empty strings outside keys.</summary>
    private static string? Trim(string? value, int max) =>
        string.IsNullOrEmpty(value) ? null : value.Length > max ? value[..max] : value;
}
