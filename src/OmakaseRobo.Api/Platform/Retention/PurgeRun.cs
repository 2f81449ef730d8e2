using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Platform.Retention;

/// <summary>What the job counts an item it deleted as.</summary>
internal enum PurgedKind
{
    Access,
    Operation,
    Auth,
    System,
    AuditCheckpoint,
    AuditChain,
    Session,
    MfaChallenge,
    WebhookDelivery,
    JobRun,
    Other,
}

/// <summary>
/// One run of the purge: the one "now" every ttl is compared with, the counters of the report, the time budget, and an
/// optional observer called after each confirmed batch of deletions (how the tests stop a run half way).
/// </summary>
internal sealed class PurgeRun(DateTimeOffset now, TimeProvider clock, TimeSpan budget, Action<long>? afterDeleted)
{
    private readonly long startedAt = clock.GetTimestamp();
    private readonly long[] deleted = new long[Enum.GetValues<PurgedKind>().Length];

    public DateTimeOffset Now => now;

    public long NowSeconds { get; } = now.ToUnixTimeSeconds();

    public DateOnly Today { get; } = DateOnly.FromDateTime(now.UtcDateTime);

    public long DeletedTotal { get; private set; }

    public long HeldChains { get; private set; }

    public long HeldRecords { get; private set; }

    /// <summary>Set when the run stopped before the end (out of time, or a problem): nothing after that point is advanced.</summary>
    public bool Stopped { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>Expired when the item's own ttl has passed; an item without ttl (held) never is.</summary>
    public bool IsExpired(Dictionary<string, AttributeValue> item) => item.GetN(TableSchema.TimeToLive) is { } ttl && ttl <= NowSeconds;

    /// <summary>True, and the run stopped, once the time budget is spent: callers stop at the next clean point.</summary>
    public bool OutOfTime()
    {
        if (!Stopped && clock.GetElapsedTime(startedAt) >= budget)
        {
            Stopped = true;
        }

        return Stopped;
    }

    public void Fail(string problem)
    {
        Problem ??= problem;
        Stopped = true;
    }

    public void CountDeleted(IEnumerable<PurgedKind> kinds)
    {
        foreach (var kind in kinds)
        {
            deleted[(int)kind]++;
            DeletedTotal++;
        }

        afterDeleted?.Invoke(DeletedTotal);
    }

    public void CountHeld(long records)
    {
        HeldChains++;
        HeldRecords += records;
    }

    public PurgeCounts Counts() => new(
        Deleted(PurgedKind.Access), Deleted(PurgedKind.Operation), Deleted(PurgedKind.Auth), Deleted(PurgedKind.System),
        Deleted(PurgedKind.AuditCheckpoint), Deleted(PurgedKind.AuditChain), Deleted(PurgedKind.Session), Deleted(PurgedKind.MfaChallenge),
        Deleted(PurgedKind.WebhookDelivery), Deleted(PurgedKind.JobRun), Deleted(PurgedKind.Other));

    private long Deleted(PurgedKind kind) => deleted[(int)kind];
}
