using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// Group commit for one chain: events queue up in arrival order while one loop writes them, a transaction's worth
/// (<see cref="AuditStore.MaxEventsPerAppend"/>) at a time, after the head it holds in memory. When another process has
/// moved the head the write is refused, and the loop reads the head again and re-links the same events after it.
/// </summary>
internal sealed class ChainWriter(AuditStore store, AuditChain chain)
{
    private const int MaxAttempts = 100;

    private readonly Lock gate = new();
    private readonly Queue<(StampedEvent Event, TaskCompletionSource Stored)> waiting = new();
    private bool writing;
    private ChainHead? head;

    public Task AppendAsync(StampedEvent stamped)
    {
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (gate)
        {
            waiting.Enqueue((stamped, stored));
            start = !writing;
            writing = true;
        }

        if (start)
        {
            _ = Task.Run(WriteWaitingAsync);
        }

        return stored.Task;
    }

    private async Task WriteWaitingAsync()
    {
        while (true)
        {
            var batch = new List<(StampedEvent Event, TaskCompletionSource Stored)>(store.MaxEventsPerAppend);
            lock (gate)
            {
                while (batch.Count < store.MaxEventsPerAppend && waiting.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                if (batch.Count == 0)
                {
                    writing = false;
                    return;
                }
            }

            try
            {
                await CommitAsync(batch.ConvertAll(b => b.Event)).ConfigureAwait(false);
                batch.ForEach(b => b.Stored.TrySetResult());
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                head = null;
                batch.ForEach(b => b.Stored.TrySetException(exception));
            }
        }
    }

    private async Task CommitAsync(List<StampedEvent> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            // Once accepted an event is written even if its caller has gone: no cancellation here.
            var current = head ?? await store.ReadHeadAsync(chain, CancellationToken.None).ConfigureAwait(false);
            var events = new List<StoredEvent>(batch.Count);
            var (sequence, hash) = (current.Sequence, current.Hash);
            foreach (var stamped in batch)
            {
                var linked = StoredEvent.Link(chain, ++sequence, hash, stamped);
                events.Add(linked);
                hash = linked.Hash;
            }

            try
            {
                await store.AppendAsync(current, events, CancellationToken.None).ConfigureAwait(false);
                head = current with { Sequence = sequence, Hash = hash };
                return;
            }
            catch (TransactionCanceledException refused) when (attempt < MaxAttempts && IsRace(refused))
            {
                head = null; // another writer moved the chain first: read where it is now
            }
        }
    }

    private static bool IsRace(TransactionCanceledException refused) =>
        refused.CancellationReasons is not { Count: > 0 } reasons
        || reasons.All(r => r.Code is null or "None" or "ConditionalCheckFailed" or "TransactionConflict");
}
