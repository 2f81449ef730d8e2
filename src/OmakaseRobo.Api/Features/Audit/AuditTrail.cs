using System.Collections.Concurrent;
using OmakaseRobo.Api.Platform.Auditing;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// The trail every area writes to. Each chain (tenant and day) has one in-process writer that commits waiting events
/// together, so concurrent writers cost one round trip per batch rather than one each, and different tenants never wait
/// for each other. Other processes writing the same chain are kept in line by the store's conditional writes.
/// </summary>
public sealed class AuditTrail(AuditStore store, TimeProvider clock) : IAuditTrail
{
    private readonly ConcurrentDictionary<AuditChain, ChainWriter> writers = new();

    /// <summary>Returns once the event is stored; a caller that stops waiting does not stop the write.</summary>
    public async Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        var stamped = StampedEvent.From(auditEvent, clock.GetUtcNow());
        if (!writers.TryGetValue(stamped.Chain, out var writer))
        {
            writer = writers.GetOrAdd(stamped.Chain, chain => new ChainWriter(store, chain));
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
}
