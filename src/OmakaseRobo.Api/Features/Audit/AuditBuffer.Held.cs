using System.Globalization;
using Amazon.Runtime;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>The records held in memory when their outbox write failed, and the rounds that put them there again.</summary>
internal sealed partial class AuditBuffer
{
    /// <summary>A record that could not be put in the outbox: held in memory, put there as soon as storage takes it.</summary>
    public void Hold(PendingAudit record)
    {
        var start = false;
        var full = false;
        lock (gate)
        {
            if (held.Count >= options.Dependencies.HeldAuditRecordLimit)
            {
                full = true;
            }
            else
            {
                held.Add(record);
                heldCount = held.Count;
                start = !retrying;
                retrying = true;
            }
        }

        if (full)
        {
            Drop(record, "more records held in memory than the limit");
        }
        else if (start)
        {
            _ = Task.Run(RetryHeldAsync); // the first round at once
        }
    }

    /// <summary>
    /// Storage just took a write: ends the pause of the held records and waits for the round that puts them in the
    /// outbox, at most until <paramref name="cancellationToken"/>. Nothing to do (and no cost) when none are held.
    /// </summary>
    public async Task RetryHeldNowAsync(CancellationToken cancellationToken)
    {
        if (Held == 0)
        {
            return;
        }

        try
        {
            await NudgeAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The round goes on without this caller.
        }
    }

    /// <summary>The round that starts next (at once if nudged during a pause, right after the running one otherwise).</summary>
    private Task NudgeAsync()
    {
        lock (gate)
        {
            if (!retrying)
            {
                return Task.CompletedTask;
            }

            nudged = true;
            wake?.TrySetResult();

            // Storage just took a write: a send of the round still out is likely stuck on a dead connection. Cut it,
            // once (callbacks on the pool, not under this lock); it is sent again at once on a fresh connection.
            _ = sending?.CancelAsync();
            sending = null;
            return nextRound.Task;
        }
    }

    /// <summary>Rounds until nothing is held (or the host stops): no loop, no timer, when nothing is.</summary>
    private async Task RetryHeldAsync()
    {
        var pause = TimeSpan.Zero; // the first round at once
        while (true)
        {
            TaskCompletionSource round;
            List<PendingAudit> records;
            lock (gate)
            {
                round = nextRound;
                nextRound = new(TaskCreationOptions.RunContinuationsAsynchronously);
                nudged = false;
                records = [.. held];
            }

            var (stored, dropped, failure) = await PutInOutboxAsync(records).ConfigureAwait(false);
            int left;
            bool again;
            lock (gate)
            {
                var done = stored.Concat(dropped).ToHashSet(ReferenceEqualityComparer.Instance);
                held.RemoveAll(done.Contains);
                heldCount = left = held.Count;
                again = left > 0 && !stopping;
                retrying = again;
                if (!again)
                {
                    nextRound.TrySetResult(); // no round follows: nobody waits for one
                    nextRound = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            foreach (var record in stored)
            {
                await AppendLaterAsync(record).ConfigureAwait(false);
            }

            if (stored.Count > 0)
            {
                LogInOutbox(logger, stored.Count, left);
            }

            round.TrySetResult();
            if (!again)
            {
                return;
            }

            // Progress means storage takes writes again: the rest at once. Otherwise the pause doubles, up to its cap.
            pause = stored.Count + dropped.Count > 0 ? TimeSpan.Zero
                : pause == TimeSpan.Zero ? FirstPause
                : TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxPause.Ticks));
            if (pause > TimeSpan.Zero)
            {
                await PauseAsync(pause, failure, left).ConfigureAwait(false);
            }
        }
    }

    /// <summary>On the injected clock; a nudge or the host stopping ends it early.</summary>
    private async Task PauseAsync(TimeSpan pause, Exception? failure, int count)
    {
        TaskCompletionSource woken;
        lock (gate)
        {
            if (nudged || stopping)
            {
                LogRetry(logger, failure, count, 0);
                return;
            }

            woken = wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        using var timer = new CancellationTokenSource();
        var elapsed = Task.Delay(pause, clock, timer.Token);
        LogRetry(logger, failure, count, pause.TotalSeconds); // once the timer is set: whoever reads the line may move the clock
        await Task.WhenAny(elapsed, woken.Task).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        lock (gate)
        {
            wake = null;
        }
    }

    /// <summary>The records put in the outbox, those that can never be (dropped), and the fault that stopped the round.</summary>
    private async Task<(List<PendingAudit> Stored, List<PendingAudit> Dropped, Exception? Failure)> PutInOutboxAsync(List<PendingAudit> records)
    {
        var stored = new List<PendingAudit>(records.Count);
        var dropped = new List<PendingAudit>();
        foreach (var chunk in records.Chunk(BatchDeleter.BatchSize))
        {
            try
            {
                var unprocessed = await PutChunkAsync(chunk).ConfigureAwait(false);
                stored.AddRange(chunk.Where(r => !unprocessed.Contains(r)));
                if (unprocessed.Count > 0)
                {
                    return (stored, dropped, null); // throttled: the rest in the next round
                }
            }
            catch (Exception exception) when (NeverStorable(exception))
            {
                // Some record of the chunk can never be stored: alone, each goes in or is dropped.
                foreach (var record in chunk)
                {
                    try
                    {
                        await outbox.PutAsync([record], CancellationToken.None).ConfigureAwait(false);
                        stored.Add(record);
                    }
                    catch (Exception alone) when (NeverStorable(alone))
                    {
                        LogUnstorable(logger, alone, record.OutboxId);
                        Drop(record, "it can never be stored");
                        dropped.Add(record);
                    }
                    catch (Exception alone) when (alone is not OutOfMemoryException)
                    {
                        return (stored, dropped, alone);
                    }
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                return (stored, dropped, exception); // storage is down: no use trying the other chunks now
            }
        }

        return (stored, dropped, null);
    }

    /// <summary>
    /// One BatchWriteItem; a nudge may cut it once (see <see cref="NudgeAsync"/>), and then it is sent again at once,
    /// out of reach of nudges: putting the same items twice is harmless (same keys, same items, nothing appended yet).
    /// </summary>
    private async Task<List<PendingAudit>> PutChunkAsync(PendingAudit[] chunk)
    {
        using (var cut = new CancellationTokenSource())
        {
            lock (gate)
            {
                sending = cut;
            }

            try
            {
                return await outbox.PutBatchAsync(chunk, cut.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (cut.IsCancellationRequested && exception is not OutOfMemoryException)
            {
                // Cut by a nudge: sent again below.
            }
            finally
            {
                lock (gate)
                {
                    if (sending == cut)
                    {
                        sending = null; // before it is disposed: a nudge takes it only under the lock
                    }
                }
            }
        }

        return await outbox.PutBatchAsync(chunk, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>A record DynamoDB refuses as such (not storage being down, nor the table or the role being wrong): trying again cannot help.</summary>
    private static bool NeverStorable(Exception exception) => exception is ArgumentException or AmazonServiceException { ErrorCode: "ValidationException" };

    /// <summary>Gone for good: the Critical line carries every field, so the record can be put back by hand.</summary>
    private void Drop(PendingAudit record, string reason)
    {
        if (!logger.IsEnabled(LogLevel.Critical))
        {
            return;
        }

        var e = record.Event;
        var details = e.Details is null ? string.Empty : string.Join(", ", e.Details.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}={d.Value}"));
        var occurredAt = (e.OccurredAt ?? record.QueuedAt).ToString("O", CultureInfo.InvariantCulture);
        LogDropped(logger, reason, record.OutboxId, e.Category, e.TenantId, e.ActorId, e.Action, e.Target, e.Outcome, occurredAt, e.SourceIp, e.UserAgent, details);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit records not stored yet: {Count} held in memory; trying again in {Seconds} s")]
    private static partial void LogRetry(ILogger logger, Exception? exception, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Held audit records are in the outbox now: {Count}; still held: {Left}")]
    private static partial void LogInOutbox(ILogger logger, int count, int left);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit record {OutboxId} can never be stored")]
    private static partial void LogUnstorable(ILogger logger, Exception exception, string outboxId);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Audit record dropped ({Reason}): id {OutboxId} category {Category} tenant {TenantId} actor {ActorId} action {Action} target {Target} outcome {Outcome} occurred {OccurredAt} source ip {SourceIp} user agent {UserAgent} details {Details}")]
    private static partial void LogDropped(
        ILogger logger, string reason, string outboxId, string category, string tenantId, string? actorId, string action, string? target,
        string outcome, string occurredAt, string? sourceIp, string? userAgent, string details);
}
