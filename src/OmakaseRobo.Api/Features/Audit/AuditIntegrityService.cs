using System.Globalization;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Keys;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// Tamper evidence of the trail (16.1.7): checkpoints that sign each chain's head, and the verifier that recomputes
/// every hash, link and signature. The verify-audit-chain job and GET /v1/audit/verification call the same methods.
/// </summary>
internal sealed partial class AuditIntegrityService(
    AuditStore store, AuditCheckpointStore checkpoints, IAuditSigner signer, IAuditTrail trail, TimeProvider clock, ILogger<AuditIntegrityService> logger)
{
    private const int ParallelTenants = 8;
    private const int MaxAttempts = 3;

    /// <summary>Signs the head of every retained chain that has grown since its last checkpoint.</summary>
    public async Task<CheckpointReport> CheckpointAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = new List<ChainHead>();
        foreach (var day in RetainedDays(now))
        {
            due.AddRange((await store.ListChainsOfDayAsync(day, cancellationToken).ConfigureAwait(false)).Where(h => h.Sequence > h.CheckpointedSequence));
        }

        var signed = 0;
        var tenants = due.GroupBy(h => h.Chain.TenantId).ToList();
        await Parallel.ForEachAsync(tenants, new ParallelOptions { MaxDegreeOfParallelism = ParallelTenants, CancellationToken = cancellationToken }, async (tenant, token) =>
        {
            // One tenant's checkpoints are a chain: signed one after another, oldest day first.
            foreach (var head in tenant.OrderBy(h => h.Chain.Day))
            {
                if (await SignHeadAsync(head.Chain, now, token).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref signed);
                }
            }
        }).ConfigureAwait(false);

        var report = new CheckpointReport(signed, tenants.Count, signer.KeyId, now);
        LogCheckpointed(logger, signed, tenants.Count);
        await trail.WriteAsync(new AuditEvent(
            AuditCategory.System, BuiltInRoles.PlatformTenantId, null, "audit.checkpoint", null, "success", null, null,
            new Dictionary<string, string>
            {
                ["chainsSigned"] = signed.ToString(CultureInfo.InvariantCulture),
                ["tenants"] = tenants.Count.ToString(CultureInfo.InvariantCulture),
                ["keyId"] = signer.KeyId,
            }), cancellationToken).ConfigureAwait(false);
        return report;
    }

    /// <summary>
    /// Recomputes the trail of one tenant, or of all, over the days from <paramref name="from"/> to <paramref name="to"/>
    /// (by default every retained day), starting from the oldest retained checkpoint. Days already expired count as purged.
    /// Its record names <paramref name="requestedBy"/>, the user who asked (none for the scheduled job).
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(
        string? tenantId, DateTimeOffset? from, DateTimeOffset? to, string? requestedBy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var fromDay = from is { } f ? AuditChain.DayOf(f) : tenantId is null ? RetainedDays(now).First() : DateOnly.MinValue;
        var today = AuditChain.DayOf(now);
        var toDay = to is { } t && AuditChain.DayOf(t) < today ? AuditChain.DayOf(t) : today; // no chain lies in the future
        var tenants = tenantId is not null ? [tenantId] : await TenantsWithTrailAsync(fromDay, toDay, cancellationToken).ConfigureAwait(false);
        var result = new Tally();
        foreach (var tenant in tenants)
        {
            await VerifyTenantAsync(tenant, fromDay, toDay, now, result, cancellationToken).ConfigureAwait(false);
        }

        var broken = ChainBreak.Earliest(result.Breaks);
        var verification = new AuditVerification(broken is null, result.Events, broken?.EventId, result.Chains, result.Checkpoints, broken?.Problem);
        var details = new Dictionary<string, string>
        {
            ["checkedEvents"] = result.Events.ToString(CultureInfo.InvariantCulture),
            ["checkedChains"] = result.Chains.ToString(CultureInfo.InvariantCulture),
            ["scope"] = tenantId ?? "all",
        };
        if (broken is not null)
        {
            details["firstBrokenEventId"] = broken.EventId;
            details["problem"] = broken.Problem;
            LogBroken(logger, broken.EventId, broken.Problem);
        }

        await trail.WriteAsync(new AuditEvent(
            AuditCategory.System, BuiltInRoles.PlatformTenantId, requestedBy, "audit.verify", null, broken is null ? "intact" : "broken", null, null, details),
            cancellationToken).ConfigureAwait(false);
        return verification;
    }

    private async Task VerifyTenantAsync(string tenantId, DateOnly from, DateOnly to, DateTimeOffset now, Tally result, CancellationToken cancellationToken)
    {
        // Read before the chains, so a checkpoint signed meanwhile is found in them rather than missed.
        var latest = await checkpoints.ReadLatestAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var checks = new List<ChainCheck>();
        foreach (var head in await store.ListChainsAsync(tenantId, from, to, newestFirst: false, cancellationToken).ConfigureAwait(false))
        {
            if (AuditChain.IsExpired(head.Chain.Day, now) && !head.Held)
            {
                continue; // expired and being purged: a part of it may already be gone
            }

            var contents = await store.ReadChainAsync(head.Chain, cancellationToken).ConfigureAwait(false);
            var check = await ChainVerifier.CheckChainAsync(head, contents, signer, cancellationToken).ConfigureAwait(false);
            checks.Add(check);
            result.Events += check.ProvenEvents;
            result.Chains++;
            result.Checkpoints += check.Checkpoints.Count;
            result.Breaks.Add(check.Break);
        }

        result.Breaks.Add(ChainVerifier.CheckCheckpointLinks(tenantId, checks, latest, from, to, now));
    }

    /// <summary>Tenants with a chain in the days, or with checkpoints at all (so a tenant whose chains were all deleted is not missed).</summary>
    private async Task<List<string>> TenantsWithTrailAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var tenants = new SortedSet<string>(await checkpoints.ListTenantsAsync(cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            tenants.UnionWith((await store.ListChainsOfDayAsync(day, cancellationToken).ConfigureAwait(false)).Select(h => h.Chain.TenantId));
        }

        return [.. tenants];
    }

    private async Task<bool> SignHeadAsync(AuditChain chain, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var head = await store.ReadHeadAsync(chain, cancellationToken).ConfigureAwait(false);
            if (head.Sequence <= head.CheckpointedSequence)
            {
                return false;
            }

            var previous = await checkpoints.ReadLatestAsync(chain.TenantId, cancellationToken).ConfigureAwait(false);
            var unsigned = new AuditCheckpoint(
                chain, (previous?.Sequence ?? 0) + 1, head.Sequence, head.Hash, previous, AuditChain.FormatTime(now), signer.KeyId, string.Empty, string.Empty);
            var message = ChainHash.CheckpointMessage(unsigned);
            var signature = await signer.SignAsync(message, cancellationToken).ConfigureAwait(false);
            var checkpoint = unsigned with { Signature = Convert.ToBase64String(signature), Hash = ChainHash.OfCheckpoint(unsigned) };
            try
            {
                await checkpoints.AddAsync(checkpoint, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (TransactionCanceledException) when (attempt < MaxAttempts)
            {
                // another checkpoint run got there first: look again
            }
        }
    }

    /// <summary>From the oldest day that may still be retained to today.</summary>
    private static IEnumerable<DateOnly> RetainedDays(DateTimeOffset now)
    {
        var today = AuditChain.DayOf(now);
        for (var day = AuditChain.DayOf(now - AuditChain.Retention - TimeSpan.FromDays(1)); day <= today; day = day.AddDays(1))
        {
            yield return day;
        }
    }

    private sealed class Tally
    {
        public long Events { get; set; }

        public int Chains { get; set; }

        public int Checkpoints { get; set; }

        public List<ChainBreak?> Breaks { get; } = [];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit checkpoint: {Chains} chains of {Tenants} tenants signed")]
    private static partial void LogCheckpointed(ILogger logger, int chains, int tenants);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit trail broken at {EventId}: {Problem}")]
    private static partial void LogBroken(ILogger logger, string eventId, string problem);
}
