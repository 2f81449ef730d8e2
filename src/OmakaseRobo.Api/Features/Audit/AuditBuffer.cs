using System.Globalization;
using System.Threading.Channels;
using Amazon.Runtime;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// Audit records appended to their chains off the request path: a bounded queue that a hosted service drains into the
/// trail in arrival order. Its records are already durable in the outbox (access records, the start record), so a
/// process killed with records queued loses none: the outbox drain appends them. A full queue makes writers wait rather
/// than drop a record, and stopping the host drains what is queued before it ends.
/// <para>
/// A record whose outbox write failed (storage was down) is <em>held</em> here: put in the outbox again at once, then
/// after a pause from the clock that doubles from <see cref="FirstPause"/> to <see cref="MaxPause"/>, round after round
/// for as long as the process lives; once in the outbox it is queued like any other. Nothing runs between rounds but a
/// timer, and the next request whose own record reaches storage ends the pause (and cuts, once, a send of the round
/// still out, likely on a dead connection) and waits for the round (within its access-record budget), so in Lambda, where a frozen environment's timers do not run, the held records are in the
/// outbox before that request's answer. At most <see cref="DependencyOptions.HeldAuditRecordLimit"/> are held; a record
/// beyond, one that can never be stored, and those still held when the host stops are dropped, each logged at
/// Critical with every field.
/// </para>
/// </summary>
internal sealed partial class AuditBuffer(
    IAuditTrail trail, AuditOutboxStore outbox, TimeProvider clock, OmakaseOptions options, ILogger<AuditBuffer> logger) : IHostedService
{
    public const int Capacity = 10_000;
    public static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxPause = TimeSpan.FromMinutes(1);
    private const int MaxBatch = 500;

    private readonly Channel<Entry> queue = Channel.CreateBounded<Entry>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Lock gate = new();
    private readonly List<PendingAudit> held = []; // oldest first
    private Task drained = Task.CompletedTask;
    private int heldCount; // read without the lock on every request
    private bool retrying; // the retry loop runs: only while records are held
    private bool nudged; // the next round starts without a pause
    private bool stopping;
    private TaskCompletionSource? wake; // ends the current pause
    private CancellationTokenSource? sending; // the round's send in flight that a nudge may cut (once)
    private TaskCompletionSource nextRound = new(TaskCreationOptions.RunContinuationsAsynchronously); // completes when the next round ends

    /// <summary>Records waiting to be appended.</summary>
    public int Pending => queue.Reader.Count;

    /// <summary>Records held in memory until they can be put in the outbox.</summary>
    public int Held => Volatile.Read(ref heldCount);

    /// <summary>A record already in the outbox, to append; costs no round trip unless the queue is full.</summary>
    public ValueTask AppendLaterAsync(PendingAudit pending)
    {
        return EnqueueAsync(new Entry(pending, null));
    }

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

    /// <summary>
    /// Completes when every record queued before the call is stored (or left in the outbox), and the records held in
    /// memory have been tried once more (those then put in the outbox, appended too).
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await QueuedAsync(cancellationToken).ConfigureAwait(false);
        var round = NudgeAsync();
        if (!round.IsCompleted)
        {
            await round.WaitAsync(cancellationToken).ConfigureAwait(false);
            await QueuedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        drained = Task.Run(DrainAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs after the server has finished its requests (hosted services stop in reverse order), so nothing arrives
    /// after: held records get one more round, the queue is drained, and what is still held is logged and dropped.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            stopping = true;
        }

        try
        {
            await NudgeAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            queue.Writer.TryComplete();
            await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            queue.Writer.TryComplete();
            LogNotDrained(logger, queue.Reader.Count, Held);
        }

        List<PendingAudit> left;
        lock (gate)
        {
            left = [.. held];
            held.Clear();
            heldCount = 0;
        }

        left.ForEach(record => Drop(record, "still held when the process stopped"));
    }

    private ValueTask EnqueueAsync(Entry entry) =>
        queue.Writer.TryWrite(entry) ? ValueTask.CompletedTask : WaitForRoomAsync(entry);

    private async ValueTask WaitForRoomAsync(Entry entry)
    {
        try
        {
            // Not the request's token: a client that goes away does not take its record with it.
            await queue.Writer.WriteAsync(entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            await AppendAsync([entry]).ConfigureAwait(false); // shutting down: at once
        }
    }

    /// <summary>Completes when every entry queued before it has been handled.</summary>
    private async Task QueuedAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await queue.Writer.WriteAsync(new Entry(null, done), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task DrainAsync()
    {
        var batch = new List<Entry>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            await AppendAsync(batch).ConfigureAwait(false);
            batch.ForEach(b => b.Flushed?.TrySetResult());
            batch.Clear();
        }
    }

    /// <summary>Handed to the trail in queue order (it keeps that order per chain); a record that fails to append stays in the outbox for the drain.</summary>
    private Task AppendAsync(List<Entry> entries) =>
        Task.WhenAll(entries.Where(e => e.Pending is not null).Select(e => trail.AppendAsync(e.Pending!, CancellationToken.None)));

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

    private sealed record Entry(PendingAudit? Pending, TaskCompletionSource? Flushed);

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

    [LoggerMessage(Level = LogLevel.Critical, Message = "Shutdown ended before the audit queue was drained; queued: {Count}, held: {Held}")]
    private static partial void LogNotDrained(ILogger logger, int count, int held);
}
