using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>What several checks read, read once per report: the tenants, their users, and what the retained trail says.</summary>
internal sealed record ComplianceFacts(
    IReadOnlyList<TenantRecord> Tenants,
    IReadOnlyDictionary<string, List<UserRecord>> Users,
    TrailFacts Trail)
{
    public IEnumerable<UserRecord> ActiveUsers => Users.Values.SelectMany(u => u).Where(u => u.IsActive);

    public bool IsPrivileged(UserRecord user)
    {
        var definitions = Tenants.FirstOrDefault(t => t.TenantId == user.TenantId)?.Roles ?? new Dictionary<string, List<string>>();
        return Privilege.Holds(user.TenantId, user.Roles, definitions);
    }
}

/// <summary>
/// The retained trail (30 days) as the checks need it: the newest event of each job and check action on the platform
/// chain, every user creation and every sign-in refused by a lockout. <see cref="Truncated"/> when the read budget ran out.
/// </summary>
internal sealed record TrailFacts(
    IReadOnlyDictionary<string, StoredEvent> NewestPlatformEvents,
    IReadOnlyList<StoredEvent> PlatformSystemEvents,
    IReadOnlyList<StoredEvent> UserCreations,
    IReadOnlyList<StoredEvent> LockedOutSignIns,
    long EventsRead,
    bool Truncated)
{
    public StoredEvent? Newest(string action) => NewestPlatformEvents.TryGetValue(action, out var e) ? e : null;
}

/// <summary>Reads the trail for the report through the audit store, within a budget of items so a huge trail cannot stall a report.</summary>
internal sealed class TrailReader(AuditStore store, TimeProvider clock)
{
    public const int ReadBudget = 50_000;

    public async Task<TrailFacts> ReadAsync(IEnumerable<string> tenantIds, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var from = AuditChain.DayOf(now - AuditChain.Retention - TimeSpan.FromDays(1));
        var to = AuditChain.DayOf(now);
        var budget = ReadBudget;
        var newest = new Dictionary<string, StoredEvent>(StringComparer.Ordinal);
        var platformSystem = new List<StoredEvent>();
        var creations = new List<StoredEvent>();
        var lockouts = new List<StoredEvent>();
        long read = 0;
        foreach (var tenantId in tenantIds)
        {
            foreach (var head in await store.ListChainsAsync(tenantId, from, to, newestFirst: true, cancellationToken).ConfigureAwait(false))
            {
                foreach (var category in new[] { AuditCategory.System, AuditCategory.Operation, AuditCategory.Auth })
                {
                    if (budget <= 0)
                    {
                        return new TrailFacts(newest, platformSystem, creations, lockouts, read, Truncated: true);
                    }

                    var page = await store.ReadNewestFirstAsync(head.Chain, null, category, "0", "~", int.MaxValue, budget, cancellationToken).ConfigureAwait(false);
                    budget -= page.Read;
                    read += page.Read;
                    foreach (var e in page.Events)
                    {
                        if (tenantId == BuiltInRoles.PlatformTenantId && category == AuditCategory.System)
                        {
                            platformSystem.Add(e);
                            newest.TryAdd(e.Action, e); // chains newest first, events newest first: the first seen is the newest
                        }
                        else if (e.Action == "user.create")
                        {
                            creations.Add(e);
                        }
                        else if (category == AuditCategory.Auth && e.Outcome == "locked-out")
                        {
                            lockouts.Add(e);
                        }
                    }
                }
            }
        }

        return new TrailFacts(newest, platformSystem, creations, lockouts, read, Truncated: false);
    }
}
