using System.Collections.Concurrent;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// The trail every area writes to. Each chain (tenant and day) has one in-process writer that commits waiting events
/// together, so concurrent writers cost one round trip per batch rather than one each, and different tenants never wait
/// for each other. Other processes writing the same chain are kept in line by the store's conditional writes.
/// </summary>
internal sealed partial class AuditTrail(AuditStore store, AuditOutboxStore outbox, TimeProvider clock, ILogger<AuditTrail> logger) : IAuditTrail
{
    private readonly ConcurrentDictionary<AuditChain, ChainWriter> writers = new();

    /// <summary>Returns once the event is stored; a caller that stops waiting does not stop the write.</summary>
    public Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken) =>
        AppendStampedAsync(StampedEvent.From(auditEvent, clock.GetUtcNow()), cancellationToken);

    public PendingAudit Stage(AuditEvent auditEvent)
    {
        var now = clock.GetUtcNow();
        var stamped = StampedEvent.From(auditEvent, now);
        return outbox.ToPending(Ids.New("ao"), now, stamped.Event with { OccurredAt = auditEvent.OccurredAt ?? now });
    }

    public async Task AppendAsync(PendingAudit pending, CancellationToken cancellationToken)
    {
        try
        {
            await AppendOrThrowAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogLeftInOutbox(logger, exception, pending.OutboxId, pending.Event.Action);
        }
    }

    /// <summary>What the drain calls: as <see cref="AppendAsync"/>, but a fault is the caller's to see.</summary>
    public Task AppendOrThrowAsync(PendingAudit pending, CancellationToken cancellationToken)
    {
        var stamped = StampedEvent.From(pending.Event, clock.GetUtcNow()) with { OutboxKey = pending.Key, OutboxId = pending.OutboxId };
        return AppendStampedAsync(stamped, cancellationToken);
    }

    private async Task AppendStampedAsync(StampedEvent stamped, CancellationToken cancellationToken)
    {
        if (!writers.TryGetValue(stamped.Chain, out var writer))
        {
            writer = writers.GetOrAdd(stamped.Chain, chain => new ChainWriter(store, chain, clock));
            ForgetOldChains(stamped.Chain.Day);
        }

        await writer.AppendAsync(stamped).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Only today's and yesterday's chains still grow; the writers of older ones are dropped with their cached heads.</summary>
    private void ForgetOldChains(DateOnly newest)
    {
        foreach (var chain in writers.Keys.Where(c => c.Day < newest.AddDays(-1)))
        {
            writers.TryRemove(chain, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit record {OutboxId} ({Action}) stays in the outbox for the drain")]
    private static partial void LogLeftInOutbox(ILogger logger, Exception exception, string outboxId, string action);
}
