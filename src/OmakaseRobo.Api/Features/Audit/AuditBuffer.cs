using System.Threading.Channels;
using OmakaseRobo.Api.Platform.Auditing;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// Audit records written off the request path (access records, the start-up record): a bounded queue that a hosted
/// service drains into the trail in arrival order. A full queue makes writers wait rather than drop a record, and
/// stopping the host drains what is queued before it ends.
/// </summary>
public sealed partial class AuditBuffer(IAuditTrail trail, ILogger<AuditBuffer> logger) : IHostedService
{
    public const int Capacity = 10_000;
    private const int MaxBatch = 500;
    private const int MaxRounds = 10;

    private readonly Channel<Entry> queue = Channel.CreateBounded<Entry>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private Task drained = Task.CompletedTask;

    /// <summary>Records waiting to be written.</summary>
    public int Pending => queue.Reader.Count;

    /// <summary>Costs no round trip unless the queue is full; after shutdown has begun, the record is written at once.</summary>
    public ValueTask RecordAsync(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        return queue.Writer.TryWrite(new Entry(auditEvent, null)) ? ValueTask.CompletedTask : WaitForRoomAsync(auditEvent);
    }

    /// <summary>Completes when every record queued before the call is stored.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
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

    private async ValueTask WaitForRoomAsync(AuditEvent auditEvent)
    {
        try
        {
            // Not the request's token: a client that goes away does not take its record with it.
            await queue.Writer.WriteAsync(new Entry(auditEvent, null), CancellationToken.None).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            await trail.WriteAsync(auditEvent, CancellationToken.None).ConfigureAwait(false);
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

            await WriteAsync([.. batch.Select(b => b.Event).OfType<AuditEvent>()]).ConfigureAwait(false);
            batch.ForEach(b => b.Flushed?.TrySetResult());
            batch.Clear();
        }
    }

    /// <summary>Handed to the trail in queue order (it keeps that order per chain); failed writes are tried again a few rounds.</summary>
    private async Task WriteAsync(List<AuditEvent> events)
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

    private sealed record Entry(AuditEvent? Event, TaskCompletionSource? Flushed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit records not stored yet, trying again: {Count}")]
    private static partial void LogRetry(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Audit records could not be stored: {Count}")]
    private static partial void LogLost(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Shutdown ended before the audit queue was drained; records left: {Count}")]
    private static partial void LogNotDrained(ILogger logger, int count);
}
