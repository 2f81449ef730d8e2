namespace OmakaseRobo.Api.Platform.Retention;

/// <summary>
/// What one purge-records run did. <c>complete</c>: everything expired at <c>ranAt</c> and not held is gone (false when
/// the run ran out of time or met a problem; the next run continues). <c>ok</c>: complete and no problem.
/// </summary>
internal sealed record PurgeReport(
    bool Ok,
    bool Complete,
    DateTimeOffset RanAt,
    PurgeCounts Deleted,
    HeldCounts Held,
    PurgeDays AuditDays,
    PurgeDays ExpiryDays,
    string? Problem);

/// <summary>Items deleted, per kind: the four record kinds of 18.1.3 (audit events), then the other expiring items.</summary>
internal sealed record PurgeCounts(
    long Access,
    long Operation,
    long Auth,
    long System,
    long AuditCheckpoints,
    long AuditChains,
    long Sessions,
    long MfaChallenges,
    long WebhookDeliveries,
    long JobRuns,
    long Other)
{
    public long Total => Access + Operation + Auth + System + AuditCheckpoints + AuditChains + Sessions + MfaChallenges + WebhookDeliveries + JobRuns + Other;
}

/// <summary>Expired audit chains kept because they are held (no ttl, or a ttl put back in the future), and their records.</summary>
internal sealed record HeldCounts(long Chains, long Records);

/// <summary>The days a walk read: from the oldest (where the last run stopped) through the newest, and where the next run starts.</summary>
internal sealed record PurgeDays(DateOnly From, DateOnly Through, DateOnly NextRunFrom);
