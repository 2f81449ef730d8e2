using System.Globalization;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// One hash chain of the trail: the events of one tenant on one UTC day. Tenants and days never contend, and a
/// whole day expires (and is purged) at once, so purging never cuts a chain in the middle.
/// </summary>
internal sealed record AuditChain(string TenantId, DateOnly Day)
{
    /// <summary>Kept 30 days (18.1.3), counted from the end of the chain's day so every event of it is kept at least that long.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    /// <summary>The hash an empty chain starts from.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public string DayText => Format(Day);

    /// <summary>When every item of the chain may be deleted: DynamoDB TTL and the purge job both go by it.</summary>
    public DateTimeOffset ExpiresAt => ExpiryOf(Day);

    public static AuditChain Of(string tenantId, DateTimeOffset time) => new(tenantId, DateOnly.FromDateTime(time.UtcDateTime));

    public static DateTimeOffset ExpiryOf(DateOnly day) =>
        new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) + TimeSpan.FromDays(1) + Retention;

    /// <summary>An expired day may be gone, whole or in part: its absence is a purge, not tampering.</summary>
    public static bool IsExpired(DateOnly day, DateTimeOffset now) => ExpiryOf(day) <= now;

    public static DateOnly DayOf(DateTimeOffset time) => DateOnly.FromDateTime(time.UtcDateTime);

    public static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly? ParseDay(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    /// <summary>
    /// Event ids name their place in the trail (day, position, tenant), so a verifier can name an event that was deleted.
    /// </summary>
    public string EventId(long sequence) =>
        $"ae_{Day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}_{sequence.ToString(CultureInfo.InvariantCulture)}_{TenantId}";

    /// <summary>The one text form of event times: UTC, fixed width, so stored times sort as text.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
