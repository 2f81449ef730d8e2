using System.Threading.Channels;
using OmakaseRobo.Api.Platform.Auditing;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// Audit records appended to their chains off the request path: a bounded queue that a hosted service drains into the
/// trail in arrival order. Its records are normally already durable in the outbox (access records, the start record),
/// so a process killed with records queued loses none: the outbox drain appends them. Only a record whose outbox write
/// failed (storage was down) is held here alone, and written to its chain directly, a few rounds at most. A full queue
/// makes writers wait rather than drop a record, and stopping the host drains what is queued before it ends.
/// </summary>
internal sealed partial class AuditBuffer(IAuditTrail trail, ILogger<AuditBuffer> logger) : IHostedService
{
    public const int Capacity = 10_000;
    private const int MaxBatch = 500;
    private const int MaxRounds = 10;

    private readonly Channel<Entry> queue = Channel.CreateBounded<Entry>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private Task drained = Task.CompletedTask;

    /// <summary>Records waiting to be appended.</summary>
    public int Pending => queue.Reader.Count;

    /// <summary>A record already in the outbox, to append; costs no round trip unless the queue is full.</summary>
    public ValueTask AppendLaterAsync(PendingAudit pending)
    {
        return EnqueueAsync(new Entry(pending, null, null));
    }

    /// <summary>A record that could not be put in the outbox: held in memory only, written to its chain as soon as it can be.</summary>
    public ValueTask WriteLaterAsync(AuditEvent auditEvent)
    {
        return EnqueueAsync(new Entry(null, auditEvent, null));
    }

    /// <summary>Completes when every record queued before the call is stored.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await queue.Writer.WriteAsync(new Entry(null, null, done), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        drained = Task.Run(DrainAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Runs after the server has finished its requests (hosted services stop in reverse order), so nothing arrives after.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        try
        {
            await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogNotDrained(logger, queue.Reader.Count);
        }
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
            await WriteAsync([entry]).ConfigureAwait(false); // shutting down: at once
        }
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

            await WriteAsync(batch).ConfigureAwait(false);
            batch.ForEach(b => b.Flushed?.TrySetResult());
            batch.Clear();
        }
    }

    /// <summary>Handed to the trail in queue order (it keeps that order per chain).</summary>
    private async Task WriteAsync(List<Entry> entries)
    {
        // An outbox record that fails to append stays in the outbox, so its append is tried once here.
        var appends = entries.Where(e => e.Pending is not null).Select(e => trail.AppendAsync(e.Pending!, CancellationToken.None)).ToList();
        await WriteHeldOnlyHereAsync([.. entries.Select(e => e.Event).OfType<AuditEvent>()]).ConfigureAwait(false);
        await Task.WhenAll(appends).ConfigureAwait(false);
    }

    /// <summary>Records held nowhere else: failed writes are tried again a few rounds.</summary>
    private async Task WriteHeldOnlyHereAsync(List<AuditEvent> events)
    {
        for (var round = 1; events.Count > 0; round++)
        {
            var writes = events.Select(e => (Event: e, Write: trail.WriteAsync(e, CancellationToken.None))).ToList();
            try
            {
                await Task.WhenAll(writes.Select(w => w.Write)).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // A malformed record can never be stored; anything else (throttling, a network fault) may pass.
                var malformed = writes.Count(w => w.Write.Exception?.InnerException is ArgumentException);
                events = [.. writes.Where(w => w.Write.IsFaulted && w.Write.Exception?.InnerException is not ArgumentException).Select(w => w.Event)];
                if (malformed > 0 || round == MaxRounds)
                {
                    LogLost(logger, exception, malformed + (round == MaxRounds ? events.Count : 0));
                }

                if (round == MaxRounds)
                {
                    return;
                }

                if (events.Count > 0)
                {
                    LogRetry(logger, exception, events.Count);
                }
            }
        }
    }

    private sealed record Entry(PendingAudit? Pending, AuditEvent? Event, TaskCompletionSource? Flushed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit records not stored yet, trying again: {Count}")]
    private static partial void LogRetry(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Audit records could not be stored: {Count}")]
    private static partial void LogLost(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Shutdown ended before the audit queue was drained; records left: {Count}")]
    private static partial void LogNotDrained(ILogger logger, int count);
}
