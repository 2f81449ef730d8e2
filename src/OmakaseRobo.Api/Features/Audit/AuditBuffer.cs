using System.Threading.Channels;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;

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
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
    /// A host may be stopped twice at once (a test host and the app's own run loop both stop it): a second call ends
    /// when the first has, so no caller goes on (to dispose the host, to read the log) before the records are logged.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        bool first;
        lock (gate)
        {
            first = !stopping;
            stopping = true;
        }

        if (!first)
        {
            await stopped.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await StopOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stopped.TrySetResult();
        }
    }

    private async Task StopOnceAsync(CancellationToken cancellationToken)
    {
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

    private sealed record Entry(PendingAudit? Pending, TaskCompletionSource? Flushed);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Shutdown ended before the audit queue was drained; queued: {Count}, held: {Held}")]
    private static partial void LogNotDrained(ILogger logger, int count, int held);
}
