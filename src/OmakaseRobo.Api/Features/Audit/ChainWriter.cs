using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// Group commit for one chain: events queue up in arrival order while one loop writes them, a transaction's worth
/// (<see cref="AuditStore.MaxItemsPerAppend"/>: the head, the events, the outbox items they come from) at a time,
/// after the head it holds in memory. When another process has moved the head the write is refused, and the loop reads
/// the head again and re-links the same events after it; an event whose outbox item is gone (appended elsewhere, by the
/// drain or a replay) is settled without being appended again.
/// </summary>
internal sealed class ChainWriter(AuditStore store, AuditChain chain)
{
    private const int MaxAttempts = 100;

    private readonly Lock gate = new();
    private readonly Queue<Waiting> waiting = new();
    private bool writing;
    private ChainHead? head;

    public Task AppendAsync(StampedEvent stamped)
    {
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (gate)
        {
            waiting.Enqueue(new Waiting(stamped, stored));
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
            var batch = new List<Waiting>();
            var twins = new List<(Waiting Twin, Waiting Of)>();
            lock (gate)
            {
                var items = 1; // the head
                while (waiting.TryPeek(out var next) && items + Cost(next.Event) <= store.MaxItemsPerAppend)
                {
                    waiting.Dequeue();
                    if (next.Event.OutboxId is { } id && batch.Find(b => b.Event.OutboxId == id) is { } first)
                    {
                        twins.Add((next, first)); // one outbox item queued twice: one transaction may not touch an item twice
                        continue;
                    }

                    batch.Add(next);
                    items += Cost(next.Event);
                }

                if (batch.Count == 0)
                {
                    writing = false;
                    return;
                }
            }

            try
            {
                await CommitAsync(batch).ConfigureAwait(false);
                batch.ForEach(b => b.Stored.TrySetResult());
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                head = null;
                batch.ForEach(b => b.Stored.TrySetException(exception));
            }

            twins.ForEach(t => _ = t.Of.Stored.Task.ContinueWith(done => Settle(t.Twin, done), TaskScheduler.Default));
        }
    }

    private static int Cost(StampedEvent stamped) => stamped.OutboxKey is null ? 1 : 2;

    private static void Settle(Waiting twin, Task done)
    {
        if (done.Exception is { } failed)
        {
            twin.Stored.TrySetException(failed.InnerExceptions);
        }
        else
        {
            twin.Stored.TrySetResult();
        }
    }

    private async Task CommitAsync(List<Waiting> batch)
    {
        for (var attempt = 1; batch.Count > 0; attempt++)
        {
            // Once accepted an event is written even if its caller has gone: no cancellation here.
            var current = head ?? await store.ReadHeadAsync(chain, CancellationToken.None).ConfigureAwait(false);
            var events = new List<StoredEvent>(batch.Count);
            var (sequence, hash) = (current.Sequence, current.Hash);
            foreach (var stamped in batch.Select(b => b.Event))
            {
                var linked = StoredEvent.Link(chain, ++sequence, hash, stamped);
                events.Add(linked);
                hash = linked.Hash;
            }

            var outboxKeys = batch.ConvertAll(b => b.Event.OutboxKey);
            try
            {
                await store.AppendAsync(current, events, outboxKeys, CancellationToken.None).ConfigureAwait(false);
                head = current with { Sequence = sequence, Hash = hash };
                return;
            }
            catch (TransactionCanceledException refused) when (attempt < MaxAttempts && IsRace(refused))
            {
                head = null; // another writer moved the chain first, or appended some of these: read where it is now
                var gone = AuditStore.GoneFromOutbox(refused, outboxKeys);
                foreach (var settled in gone.Select(i => batch[i]).ToList())
                {
                    batch.Remove(settled);
                    settled.Stored.TrySetResult();
                }
            }
        }
    }

    private static bool IsRace(TransactionCanceledException refused) =>
        refused.CancellationReasons is not { Count: > 0 } reasons
        || reasons.All(r => r.Code is null or "None" or "ConditionalCheckFailed" or "TransactionConflict");

    private sealed record Waiting(StampedEvent Event, TaskCompletionSource Stored);
}
