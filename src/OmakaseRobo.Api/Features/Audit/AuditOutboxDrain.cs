using OmakaseRobo.Api.Platform.Metrics;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>What the drain found in the outbox and did with it.</summary>
internal sealed record OutboxReport(int Found, int Appended, double OldestAgeSeconds, double OldestLeftAgeSeconds);

/// <summary>
/// Appends the records left in the outbox by a process that died (or froze) between a change's commit and the append:
/// every item queued more than <see cref="Grace"/> ago, oldest first. Idempotent and resumable: each append deletes its
/// outbox item in the chain's own transaction, so a record is appended once however often the drain runs or is cut
/// off. Reports the age of what it found and publishes the age of what is still left (the alarm's metric).
/// </summary>
internal sealed class AuditOutboxDrain(AuditOutboxStore outbox, AuditTrail trail, MetricsWriter metrics, TimeProvider clock)
{
    /// <summary>Long enough that the process that committed a record has appended it itself, unless it died.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    public async Task<OutboxReport> DrainAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var found = await outbox.ListQueuedBeforeAsync(now - Grace, cancellationToken).ConfigureAwait(false);
        var appends = found.Select(pending => (Pending: pending, Append: trail.AppendOrThrowAsync(pending, cancellationToken))).ToList();
        try
        {
            await Task.WhenAll(appends.Select(a => a.Append)).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Reported below; what is left waits for the next run.
        }

        var left = appends.Where(a => !a.Append.IsCompletedSuccessfully).Select(a => a.Pending).ToList();
        var oldestLeft = left.Count == 0 ? 0 : (now - left.Min(p => p.QueuedAt)).TotalSeconds;
        metrics.Seconds(MetricsWriter.AuditOutboxAge, oldestLeft);
        return new OutboxReport(found.Count, found.Count - left.Count, found.Count == 0 ? 0 : (now - found[0].QueuedAt).TotalSeconds, oldestLeft);
    }
}
