using System.Text.RegularExpressions;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;
using static OmakaseRobo.Api.Features.Compliance.ReportBuilder;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>3-2 where the data lives, CLD.8.1.5 what happens to a terminated tenant's data, 18.1.3 how long records stay.</summary>
internal sealed partial class DataChecks(AuditStore audit, AuditCheckpointStore checkpoints, OmakaseOptions options, Runtime runtime)
{
    /// <summary>The daily jobs (purge, tenant deletion) may lag their due time by one run.</summary>
    public static readonly TimeSpan DailyJobPeriod = TimeSpan.FromDays(1);

    private const int MaxChainsRead = 40;

    public async Task AddAsync(ReportBuilder report, ComplianceFacts facts, CancellationToken cancellationToken)
    {
        Residency(report);
        Termination(report, facts);
        await RecordsAsync(report, facts, cancellationToken).ConfigureAwait(false);
    }

    private void Residency(ReportBuilder report)
    {
        report.Add("3-2", "deployment-region", !runtime.InAws ? CheckResult.NotApplicable : runtime.Region == Runtime.RequiredRegion ? CheckResult.Pass : CheckResult.Fail, new()
        {
            ["region"] = runtime.Region ?? "local",
            ["required"] = Runtime.RequiredRegion,
            ["enforcement"] = "the app refuses to start in AWS outside the required region",
            ["function"] = runtime.FunctionName ?? "local process",
        });
        report.Add("3-2", "backup-region", runtime.InAws ? CheckResult.Pass : CheckResult.NotApplicable, new()
        {
            ["backupRegion"] = runtime.InAws ? runtime.Region ?? "unknown" : "local",
            ["vault"] = options.Backups.VaultName ?? "none (local backups)",
            ["copies"] = "DynamoDB backups and point-in-time recovery stay in the table's region; no cross-region copy rule",
        });
    }

    private static void Termination(ReportBuilder report, ComplianceFacts facts)
    {
        var terminated = facts.Tenants.Where(t => t.Status == TenantRecord.Terminated).ToList();
        var pastGrace = terminated.Where(t => t.DataDeletionAfter is { } after && report.Now > after + DailyJobPeriod).ToList();
        report.Add("CLD.8.1.5", "terminated-tenants-past-grace", pastGrace.Count > 0 ? CheckResult.Fail : CheckResult.Pass, new()
        {
            ["terminatedTenants"] = Number(terminated.Count),
            ["inGracePeriod"] = IdentityChecks.Ids(terminated.Except(pastGrace).Select(t => $"{t.TenantId} (until {Time(t.DataDeletionAfter)})")),
            ["pastGracePeriodStillHoldingData"] = IdentityChecks.Ids(pastGrace.Select(t => $"{t.TenantId} (due {Time(t.DataDeletionAfter)})")),
        });

        var runs = facts.Trail.PlatformSystemEvents.Where(e => e.Action == "job.delete-terminated-tenants").ToList();
        var reports = runs.Select(e => e.Details.TryGetValue("report", out var r) ? r : string.Empty).ToList();
        var deleted = reports.Sum(r => TenantsDeleted().Match(r) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0);
        var certified = reports.SelectMany(r => CertificateTenant().Matches(r).Select(m => m.Groups[1].Value)).Distinct(StringComparer.Ordinal);
        var last = runs.FirstOrDefault();
        report.Add("CLD.8.1.5", "deletion-certificates", last is null || report.Now - last.At > DailyJobPeriod * 2 ? CheckResult.Attention : CheckResult.Pass, new()
        {
            ["jobRunsInTrail"] = Number(runs.Count),
            ["lastRunAt"] = Time(last?.At),
            ["lastRunEventId"] = last?.EventId ?? "none in the retained trail",
            ["tenantsDeleted"] = Number(deleted),
            ["certificatesFor"] = IdentityChecks.Ids(certified),
            ["certificate"] = "GET /v1/tenants/{tenantId}/deletion-certificate",
        });
    }

    private async Task RecordsAsync(ReportBuilder report, ComplianceFacts facts, CancellationToken cancellationToken)
    {
        // One query per tenant (its chain heads, oldest first), over every tenant the trail knows: listed, platform, or with checkpoints.
        var tenantIds = facts.Tenants.Select(t => t.TenantId).Append(BuiltInRoles.PlatformTenantId)
            .Concat(await checkpoints.ListTenantsAsync(cancellationToken).ConfigureAwait(false)).Distinct(StringComparer.Ordinal).ToList();
        var from = AuditChain.DayOf(report.Now - options.Purge.FirstRunLookBack);
        var heads = new List<ChainHead>();
        foreach (var tenantId in tenantIds)
        {
            heads.AddRange(await audit.ListChainsAsync(tenantId, from, AuditChain.DayOf(report.Now), newestFirst: false, cancellationToken).ConfigureAwait(false));
        }

        var heldChains = heads.Count(c => c.Held && c.Chain.ExpiresAt <= report.Now);
        var oldest = new Dictionary<string, StoredEvent>(StringComparer.Ordinal);
        var chainsRead = 0;
        foreach (var head in heads.Where(c => !c.Held).OrderBy(c => c.Chain.Day).ThenBy(c => c.Chain.TenantId, StringComparer.Ordinal))
        {
            if (oldest.Count == AuditCategory.All.Length || chainsRead++ == MaxChainsRead)
            {
                break;
            }

            foreach (var (_, e) in (await audit.ReadChainAsync(head.Chain, cancellationToken).ConfigureAwait(false)).Events)
            {
                if (!oldest.TryGetValue(e.Category, out var known) || e.At < known.At)
                {
                    oldest[e.Category] = e;
                }
            }
        }

        var limit = AuditChain.Retention + DailyJobPeriod;
        var evidence = new Dictionary<string, string>();
        var overdue = false;
        foreach (var kind in AuditCategory.All)
        {
            if (oldest.TryGetValue(kind, out var e))
            {
                var late = report.Now > e.Chain.ExpiresAt + DailyJobPeriod;
                overdue |= late;
                evidence[kind] = $"{Time(e.At)} ({e.EventId}){(late ? " past its purge" : string.Empty)}";
            }
            else
            {
                evidence[kind] = "none";
            }
        }

        evidence["limit"] = $"{Days(AuditChain.Retention)} days from the end of the record's day, plus the purge's period of {Days(DailyJobPeriod)} day";
        evidence["maximumAgeDays"] = Days(limit + TimeSpan.FromDays(1));
        evidence["expiredButHeldChains"] = Number(heldChains);
        report.Add("18.1.3", "oldest-unheld-record-per-kind", overdue ? CheckResult.Fail : CheckResult.Pass, evidence);

        var purge = facts.Trail.Newest("job.purge-records");
        var purgeReport = purge?.Details.TryGetValue("report", out var r) == true ? r : null;
        var purgeOk = purge?.Outcome == "success";
        report.Add("18.1.3", "last-purge-report", purge is null || !purgeOk || report.Now - purge.At > DailyJobPeriod * 2 ? CheckResult.Attention : CheckResult.Pass, new()
        {
            ["lastRunAt"] = Time(purge?.At),
            ["outcome"] = purge?.Outcome ?? "none in the retained trail",
            ["lastRunEventId"] = purge?.EventId ?? "none",
            ["deletedTotal"] = purgeReport is not null && DeletedTotal().Match(purgeReport) is { Success: true } m ? m.Groups[1].Value : "unknown",
        });
    }

    [GeneratedRegex("\"tenantsDeleted\":(\\d+)")]
    private static partial Regex TenantsDeleted();

    [GeneratedRegex("\"tenantId\":\"([a-z0-9_-]+)\"")]
    private static partial Regex CertificateTenant();

    [GeneratedRegex("\"total\":(\\d+)")]
    private static partial Regex DeletedTotal();
}
