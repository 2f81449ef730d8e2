using System.Text.Json;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Text;

namespace OmakaseRobo.Api.Features.Incidents;

/// <summary>
/// 16.1.7: a legal hold names a tenant and a time window of an incident; every audit chain of that tenant on those
/// days is kept past its 30 days (no ttl) until released, and stays verifiable. Evidence is the held records with a
/// SHA-256 manifest and the chain verification of each window; every export is itself audited.
/// </summary>
internal sealed class LegalHoldService(
    LegalHoldStore holds, IncidentStore incidents, AuditStore audit, AuditRetention retention, AuditIntegrityService integrity,
    IAuditTrail trail, TimeProvider clock)
{
    public const int MaxWindowDays = 366;
    public const int MaxExportedRecords = 10_000;

    public async Task<Outcome<HoldView>> CreateAsync(string incidentId, CreateHoldRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var incident = await incidents.GetAsync(incidentId, cancellationToken).ConfigureAwait(false);
        if (incident is null)
        {
            return new Failure.NotFound();
        }

        var errors = Validate.Fields(
            ("tenantId", Validate.Required(request.TenantId, 64) ?? (incident.Concerns(request.TenantId!) ? null : FieldMessages.UnknownValue)),
            ("from", request.From is null ? FieldMessages.Required : request.From > clock.GetUtcNow() ? "out-of-range" : null), // no records lie in the future (a year-9999 window made evidence a 500)
            ("to", request.To is not { } to ? FieldMessages.Required
                : request.From is not { } from ? null
                : to <= from ? "range-invalid"
                : to - from > TimeSpan.FromDays(MaxWindowDays) ? "out-of-range" : null));
        if (errors is not null)
        {
            return new Failure.Invalid(errors);
        }

        var now = clock.GetUtcNow();
        var hold = new LegalHold(Ids.New("h"), incidentId, request.TenantId!, request.From!.Value, request.To!.Value, LegalHold.Active, caller.UserId, now, null);
        var record = Stage(caller, "legal-hold.create", hold);
        await holds.PutAsync(hold, record, cancellationToken).ConfigureAwait(false);
        // Appended first, in the tenant's trail, so the record of the hold is itself held.
        await trail.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        var chains = await ApplyAsync(hold, cancellationToken).ConfigureAwait(false);
        return View(hold, chains);
    }

    public async Task<List<HoldView>?> ListAsync(string incidentId, CancellationToken cancellationToken)
    {
        if (await incidents.GetAsync(incidentId, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        var views = new List<HoldView>();
        foreach (var hold in await holds.ListForIncidentAsync(incidentId, cancellationToken).ConfigureAwait(false))
        {
            views.Add(await ViewAsync(hold, cancellationToken).ConfigureAwait(false));
        }

        return views;
    }

    /// <summary>Ends a hold; chains that no other active hold of the tenant covers get their ttl back.</summary>
    public async Task<bool> ReleaseAsync(string incidentId, string holdId, Caller caller, CancellationToken cancellationToken)
    {
        var hold = (await holds.ListForIncidentAsync(incidentId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(h => h.HoldId == holdId && h.IsActive);
        if (hold is null)
        {
            return false;
        }

        var released = hold with { Status = LegalHold.Released, ReleasedAt = clock.GetUtcNow() };
        var record = Stage(caller, "legal-hold.release", released);
        await holds.PutAsync(released, record, cancellationToken).ConfigureAwait(false);
        var others = (await holds.ListAsync(hold.TenantId, cancellationToken).ConfigureAwait(false)).Where(h => h.IsActive).ToList();
        foreach (var chain in await ChainsAsync(hold, cancellationToken).ConfigureAwait(false))
        {
            if (!others.Any(o => Covers(o, chain.Day)))
            {
                await retention.ReleaseAsync(chain, cancellationToken).ConfigureAwait(false);
            }
        }

        await trail.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Holds again every chain under an active hold: records appended to a held day after the hold was placed, or a
    /// chain begun later inside its window, are kept too. The verify-audit-chain job runs this every hour, long
    /// before anything written could expire.
    /// </summary>
    public async Task<int> ReapplyAsync(CancellationToken cancellationToken)
    {
        var changed = 0;
        foreach (var hold in (await holds.ListAsync(null, cancellationToken).ConfigureAwait(false)).Where(h => h.IsActive))
        {
            changed += await ApplyAsync(hold, cancellationToken).ConfigureAwait(false);
        }

        return changed;
    }

    public async Task<EvidenceExport?> ExportAsync(string incidentId, Caller caller, CancellationToken cancellationToken)
    {
        if (await incidents.GetAsync(incidentId, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        var active = (await holds.ListForIncidentAsync(incidentId, cancellationToken).ConfigureAwait(false)).Where(h => h.IsActive).ToList();
        var records = new List<EvidenceRecord>();
        var exported = new HashSet<string>(StringComparer.Ordinal);
        var views = new List<HoldView>();
        var verifications = new List<HoldVerification>();
        var complete = true;
        foreach (var hold in active)
        {
            var chains = await ChainsAsync(hold, cancellationToken).ConfigureAwait(false);
            views.Add(View(hold, chains.Count));
            foreach (var chain in chains)
            {
                var contents = await audit.ReadChainAsync(chain, cancellationToken).ConfigureAwait(false);
                foreach (var (_, stored) in contents.Events.OrderBy(e => e.Position))
                {
                    // Overlapping holds of one tenant cover the same records: each is exported once.
                    if (stored.At < hold.From || stored.At >= hold.To || exported.Contains(stored.EventId))
                    {
                        continue;
                    }

                    if (records.Count == MaxExportedRecords)
                    {
                        complete = false;
                        break;
                    }

                    exported.Add(stored.EventId);
                    records.Add(Record(stored));
                }
            }

            verifications.Add(new HoldVerification(hold.HoldId, await integrity.VerifyAsync(hold.TenantId, hold.From, hold.To, caller.UserId, cancellationToken).ConfigureAwait(false)));
        }

        var manifest = new EvidenceManifest("SHA-256", records.Count, TextDigest.Sha256Hex(string.Concat(records.Select(r => r.Sha256 + "\n"))));
        var export = new EvidenceExport(incidentId, clock.GetUtcNow(), caller.UserId, complete, views, records, manifest, verifications);
        await trail.WriteAsync(new AuditEvent(
            AuditCategory.Operation, BuiltInRoles.PlatformTenantId, caller.UserId, "evidence.export", incidentId, "success", caller.SourceIp, caller.UserAgent,
            new Dictionary<string, string>
            {
                ["holds"] = string.Join(',', active.Select(h => h.HoldId)),
                ["records"] = records.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["manifestSha256"] = manifest.Sha256,
            }), cancellationToken).ConfigureAwait(false);
        return export;
    }

    private static EvidenceRecord Record(StoredEvent e)
    {
        var data = JsonSerializer.Serialize(
            new EvidenceRecordData(
                e.EventId, e.Chain.TenantId, e.Chain.DayText, e.Sequence, e.Time, e.Category, e.ActorId, e.Action, e.Target, e.Outcome,
                e.SourceIp, e.UserAgent, new SortedDictionary<string, string>(e.Details.ToDictionary(), StringComparer.Ordinal), e.PrevHash, e.Hash),
            AppJsonContext.Default.EvidenceRecordData);
        return new EvidenceRecord(TextDigest.Sha256Hex(data), data);
    }

    private async Task<int> ApplyAsync(LegalHold hold, CancellationToken cancellationToken)
    {
        var chains = await ChainsAsync(hold, cancellationToken).ConfigureAwait(false);
        foreach (var chain in chains)
        {
            await retention.HoldAsync(chain, cancellationToken).ConfigureAwait(false);
        }

        return chains.Count;
    }

    private async Task<List<AuditChain>> ChainsAsync(LegalHold hold, CancellationToken cancellationToken) =>
        [.. (await audit.ListChainsAsync(hold.TenantId, hold.Days.First, hold.Days.Last, newestFirst: false, cancellationToken).ConfigureAwait(false))
            .Select(h => h.Chain)];

    private static bool Covers(LegalHold hold, DateOnly day) => hold.Days.First <= day && day <= hold.Days.Last;

    /// <summary>A hold as listed: the chains it keeps now (none once released).</summary>
    private async Task<HoldView> ViewAsync(LegalHold hold, CancellationToken cancellationToken) =>
        View(hold, hold.IsActive ? (await ChainsAsync(hold, cancellationToken).ConfigureAwait(false)).Count : 0);

    private static HoldView View(LegalHold h, int chains) => new(h.HoldId, h.IncidentId, h.TenantId, h.From, h.To, h.Status, h.CreatedAt, h.ReleasedAt, chains);

    /// <summary>The change's record, committed with the hold (the outbox) and appended after it.</summary>
    private PendingAudit Stage(Caller caller, string action, LegalHold hold) =>
        trail.Stage(new AuditEvent(
            AuditCategory.Operation, hold.TenantId, caller.UserId, action, hold.HoldId, "success", caller.SourceIp, caller.UserAgent,
            new Dictionary<string, string>
            {
                ["incidentId"] = hold.IncidentId,
                ["from"] = hold.From.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["to"] = hold.To.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["actorTenantId"] = caller.TenantId,
            }));
}
