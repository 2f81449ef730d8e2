using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// Group commit for one chain: events queue up in arrival order while one loop writes them, a transaction's worth
/// (<see cref="AuditStore.MaxItemsPerAppend"/>: the head, the events, the outbox items they come from) at a time,
/// after the head it holds in memory. When another process has moved the head the write is refused, and the loop reads
/// the head again and re-links the same events after it; an event whose outbox item is gone (appended elsewhere, by the
/// drain or a replay) is settled without being appended again.
/// <para>
/// One batch at a time means a send stuck on a dead connection holds up every write of the chain behind it, until the
/// SDK's attempt timeout. So each send (a head read, an append) has the writer's own deadline on the injected clock,
/// <see cref="AuditStore.AppendAttempt"/> doubled on each send again, <see cref="MaxCuts"/> cuts at most. An append cut
/// off may have been stored: it is sent again as the same transaction with the same client request token (DynamoDB
/// applies it at most once), never re-linked, unless storage shows its first event's position taken by another event.
/// </para>
/// </summary>
internal sealed class ChainWriter(AuditStore store, AuditChain chain, TimeProvider clock)
{
    private const int MaxAttempts = 100;
    private const int MaxCuts = 3;

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
        // Once accepted an event is written even if its caller has gone: no caller's cancellation here, only the deadlines.
        var cuts = 0;
        for (var attempt = 1; batch.Count > 0; attempt++)
        {
            var current = head;
            while (current is null)
            {
                using var deadline = Deadline(cuts);
                try
                {
                    current = await store.ReadHeadAsync(chain, deadline.Token).ConfigureAwait(false);
                }
                catch (Exception cut) when (IsCut(cut, deadline))
                {
                    CountCut(ref cuts, cut); // a read: simply read again, on a fresh connection
                }
            }

            var events = new List<StoredEvent>(batch.Count);
            var (sequence, hash) = (current.Sequence, current.Hash);
            foreach (var stamped in batch.Select(b => b.Event))
            {
                var linked = StoredEvent.Link(chain, ++sequence, hash, stamped);
                events.Add(linked);
                hash = linked.Hash;
            }

            var outboxKeys = batch.ConvertAll(b => b.Event.OutboxKey);
            var token = Guid.NewGuid().ToString("D"); // this linking's: sent again as is after a cut
            var sentBefore = false; // a send of this same transaction was cut off: it may be stored
            while (true)
            {
                using var deadline = Deadline(cuts);
                try
                {
                    await store.AppendAsync(current, events, outboxKeys, token, deadline.Token).ConfigureAwait(false);
                    head = current with { Sequence = sequence, Hash = hash };
                    return;
                }
                catch (TransactionCanceledException refused) when (sentBefore && IsConflict(refused) && cuts + 1 < MaxCuts)
                {
                    cuts++; // the earlier send may still be in flight in storage: the same transaction again, never a new one
                }
                catch (TransactionCanceledException refused) when (attempt < MaxAttempts && IsRace(refused))
                {
                    head = null; // another writer moved the chain first, or appended some of these: read where it is now
                    if (sentBefore && await StoredAsync(events[0], cuts).ConfigureAwait(false))
                    {
                        return; // the send that was cut off got through: these events are in the chain
                    }

                    var gone = AuditStore.GoneFromOutbox(refused, outboxKeys);
                    foreach (var settled in gone.Select(i => batch[i]).ToList())
                    {
                        batch.Remove(settled);
                        settled.Stored.TrySetResult();
                    }

                    break;
                }
                catch (Exception cut) when (cut is TransactionInProgressException || IsCut(cut, deadline))
                {
                    CountCut(ref cuts, cut);
                    sentBefore = true; // stored or not, unknown: send the same transaction again, on a fresh connection
                }
            }
        }
    }

    /// <summary>The deadline of the next send: doubled for each cut so far; on the injected clock.</summary>
    private CancellationTokenSource Deadline(int cuts) => new(store.AppendAttempt * (1 << cuts), clock);

    private static bool IsCut(Exception exception, CancellationTokenSource deadline) =>
        deadline.IsCancellationRequested && exception is not OutOfMemoryException;

    /// <summary>One more cut; past <see cref="MaxCuts"/> the batch fails, as a DynamoDB timeout (a 503 for a caller still waiting).</summary>
    private static void CountCut(ref int cuts, Exception cut)
    {
        if (++cuts >= MaxCuts)
        {
            throw CutOff(cut);
        }
    }

    private static TimeoutException CutOff(Exception cut)
    {
        var timeout = new TimeoutException("Audit chain write given up: storage did not answer within the writer's deadline.", cut);
        timeout.Data[DependencyClients.DependencyKey] = DependencyClients.DynamoDb;
        return timeout;
    }

    private static bool IsConflict(TransactionCanceledException refused) =>
        refused.CancellationReasons?.Any(r => r.Code == "TransactionConflict") == true;

    /// <summary>Whether the event at the position of <paramref name="first"/> is this very event (the hash covers its id, time, fields and link).</summary>
    private async Task<bool> StoredAsync(StoredEvent first, int cuts)
    {
        using var deadline = Deadline(cuts);
        try
        {
            return await store.ReadEventHashAsync(chain, first.Sequence, deadline.Token).ConfigureAwait(false) == first.Hash;
        }
        catch (Exception cut) when (IsCut(cut, deadline))
        {
            throw CutOff(cut); // storage is not answering again: the batch fails, and is tried again later
        }
    }

    private static bool IsRace(TransactionCanceledException refused) =>
        refused.CancellationReasons is not { Count: > 0 } reasons
        || reasons.All(r => r.Code is null or "None" or "ConditionalCheckFailed" or "TransactionConflict");

    private sealed record Waiting(StampedEvent Event, TaskCompletionSource Stored);
}
