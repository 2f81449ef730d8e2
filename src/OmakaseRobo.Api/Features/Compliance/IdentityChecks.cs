using System.Text.RegularExpressions;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.Auth;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Credentials;
using OmakaseRobo.Api.Platform.Storage;
using static OmakaseRobo.Api.Features.Compliance.ReportBuilder;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>9.2.1, 9.2.2, 9.2.3, 9.2.4 and 9.4.4: who the users are, how they got there, what guards their access.</summary>
internal sealed partial class IdentityChecks(EndpointDataSource endpoints, PasswordHasher hasher, AccessReviewService reviews)
{
    public static readonly TimeSpan TemporaryPasswordAge = TimeSpan.FromDays(7);
    public static readonly TimeSpan ReviewPeriod = TimeSpan.FromDays(32); // monthly, on the 1st, plus a day

    public async Task AddAsync(ReportBuilder report, ComplianceFacts facts, CancellationToken cancellationToken)
    {
        UserRegistration(report, facts);
        Provisioning(report);
        PrivilegedAccess(report, facts);
        Secrets(report, facts);
        await ReviewAsync(report, facts.Trail, cancellationToken).ConfigureAwait(false);
    }

    private static void UserRegistration(ReportBuilder report, ComplianceFacts facts)
    {
        var trail = facts.Trail;
        var notByOperator = trail.UserCreations.Where(e => !e.Details.TryGetValue("actorTenantId", out var actor) || actor != BuiltInRoles.PlatformTenantId).ToList();
        var windowStart = report.Now - AuditChain.Retention;
        var recorded = trail.UserCreations.Select(e => e.Target)
            .Concat(trail.PlatformSystemEvents.Where(e => e.Action == "bootstrap.operator").Select(e => e.Target))
            .ToHashSet(StringComparer.Ordinal);
        var unrecorded = facts.Users.Values.SelectMany(u => u).Where(u => u.CreatedAt >= windowStart && !recorded.Contains(u.UserId)).ToList();
        var result = notByOperator.Count > 0 || unrecorded.Count > 0 ? CheckResult.Fail : trail.Truncated ? CheckResult.Attention : CheckResult.Pass;
        report.Add("9.2.1", "users-created-by-operators", result, new()
        {
            ["userCreationsInTrail"] = Number(trail.UserCreations.Count),
            ["createdByOthers"] = Ids(notByOperator.Select(e => $"{e.Chain.TenantId}/{e.Target}")),
            ["usersWithoutCreationRecord"] = Ids(unrecorded.Select(u => $"{u.TenantId}/{u.UserId}")),
            ["trailWindowFrom"] = Time(windowStart),
            ["trailEventsRead"] = Number(trail.EventsRead),
            ["source"] = "audit trail: user.create (operation) and bootstrap.operator (system)",
        });

        var temporary = facts.ActiveUsers.Where(u => u.PasswordChangeRequired).OrderBy(u => u.CreatedAt).ToList();
        var stale = temporary.Where(u => report.Now - u.CreatedAt > TemporaryPasswordAge).ToList();
        report.Add("9.2.1", "outstanding-temporary-passwords", stale.Count > 0 ? CheckResult.Attention : CheckResult.Pass, new()
        {
            ["outstanding"] = Number(temporary.Count),
            ["oldestIssuedAt"] = Time(temporary.FirstOrDefault()?.CreatedAt),
            ["olderThanDays"] = Days(TemporaryPasswordAge),
            ["older"] = Ids(stale.Select(u => $"{u.TenantId}/{u.UserId}")),
        });
    }

    private void Provisioning(ReportBuilder report)
    {
        var routes = endpoints.Endpoints.OfType<RouteEndpoint>().ToList();
        var undeclared = routes.Where(e => e.Metadata.GetMetadata<AccessRule>() is null).Select(e => e.RoutePattern.RawText ?? "?").ToList();
        var anonymous = routes.Where(e => e.Metadata.GetMetadata<AccessRule>()?.Anonymous == true).Select(e => e.RoutePattern.RawText ?? "?").Distinct().Order(StringComparer.Ordinal).ToList();
        var withPermission = routes.Count(e => e.Metadata.GetMetadata<AccessRule>() is { Anonymous: false } rule && (rule.TenantPermission ?? rule.PlatformPermission) is not null);
        report.Add("9.2.2", "every-endpoint-declares-access", undeclared.Count > 0 ? CheckResult.Fail : CheckResult.Pass, new()
        {
            ["endpoints"] = Number(routes.Count),
            ["requirePermission"] = Number(withPermission),
            ["signedInOnly"] = Number(routes.Count - withPermission - anonymous.Count - undeclared.Count),
            ["anonymous"] = string.Join(", ", anonymous),
            ["undeclared"] = string.Join(", ", undeclared),
            ["source"] = "route table of this process at run time",
        });
        report.Add("9.2.2", "permission-catalogue", CheckResult.Pass, new()
        {
            ["tenantPermissions"] = string.Join(", ", Permissions.Tenant.Order(StringComparer.Ordinal)),
            ["platformRoles"] = string.Join("; ", BuiltInRoles.PlatformRoles.OrderBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => $"{r.Key}: {string.Join(" ", r.Value.Order(StringComparer.Ordinal))}")),
        });
    }

    private static void PrivilegedAccess(ReportBuilder report, ComplianceFacts facts)
    {
        foreach (var tenant in facts.Tenants.OrderBy(t => t.TenantId, StringComparer.Ordinal))
        {
            var isPlatform = tenant.TenantId == BuiltInRoles.PlatformTenantId;
            var users = facts.Users.TryGetValue(tenant.TenantId, out var list) ? list.Where(u => u.IsActive).ToList() : [];
            var privileged = users.Where(facts.IsPrivileged).ToList();
            var mfaRequired = isPlatform || tenant.RequireMfaForAdmins;
            var withoutMfa = privileged.Where(u => !u.MfaEnabled).ToList();
            var overLimit = !isPlatform && privileged.Count > tenant.AdminLimit;
            var result = !tenant.IsActive && privileged.Count == 0 ? CheckResult.NotApplicable
                : overLimit || (mfaRequired && withoutMfa.Count > 0) ? CheckResult.Fail
                : withoutMfa.Count > 0 ? CheckResult.Attention
                : CheckResult.Pass;
            report.Add("9.2.3", $"privileged-users:{tenant.TenantId}", result, new()
            {
                ["tenantId"] = tenant.TenantId,
                ["status"] = tenant.Status,
                ["privilegedUsers"] = Number(privileged.Count),
                ["adminLimit"] = isPlatform ? "n/a (platform roles)" : Number(tenant.AdminLimit),
                ["mfaRequired"] = mfaRequired ? "true" : "false",
                ["withoutMfa"] = Ids(withoutMfa.Select(u => u.UserId)),
            });
        }
    }

    private void Secrets(ReportBuilder report, ComplianceFacts facts)
    {
        report.Add("9.2.4", "password-policy", hasher.Cost >= PasswordHasher.MinimumCost ? CheckResult.Pass : CheckResult.Fail, new()
        {
            ["minLength"] = Number(PasswordPolicy.MinLength),
            ["maxLength"] = Number(PasswordPolicy.MaxLength),
            ["requires"] = "upper case, lower case, digit; not the email name; not a common password",
            ["commonPasswordsRejected"] = Number(PasswordPolicy.CommonCount),
            ["hash"] = "bcrypt (SHA-384 pre-hash)",
            ["bcryptCost"] = Number(hasher.Cost),
            ["bcryptMinimumCost"] = Number(PasswordHasher.MinimumCost),
            ["lockout"] = $"after {SignInService.FreeFailures} failures, doubling from 1 s to {SignInService.MaxLockout.TotalMinutes:0} min",
        });

        var active = facts.ActiveUsers.ToList();
        var withoutMfa = active.Count(u => !u.MfaEnabled);
        var since = report.Now - TimeSpan.FromDays(30);
        var lockedUsers = active.Where(u => u.LockedUntil is { } until && until >= since).ToList();
        report.Add("9.2.4", "mfa-and-lockouts", CheckResult.Pass, new()
        {
            ["activeUsers"] = Number(active.Count),
            ["withoutMfa"] = Number(withoutMfa),
            ["withoutMfaShare"] = active.Count == 0 ? "0%" : $"{100.0 * withoutMfa / active.Count:0.#}%",
            ["usersLockedInLast30Days"] = Number(lockedUsers.Count),
            ["lockedOutSignInsInTrail"] = Number(facts.Trail.LockedOutSignIns.Count),
        });
    }

    private async Task ReviewAsync(ReportBuilder report, TrailFacts trail, CancellationToken cancellationToken)
    {
        var last = trail.Newest("job.review-privileged-access");
        var lastFlagged = last?.Details.TryGetValue("report", out var json) == true && Flagged().Match(json) is { Success: true } m ? m.Groups[1].Value : "unknown";
        report.Add("9.4.4", "privileged-access-review-ran", last is null || report.Now - last.At > ReviewPeriod ? CheckResult.Attention : CheckResult.Pass, new()
        {
            ["lastRunAt"] = Time(last?.At),
            ["lastRunEventId"] = last?.EventId ?? "none in the retained trail",
            ["lastRunFlagged"] = last is null ? "n/a" : lastFlagged,
            ["period"] = "monthly (job review-privileged-access)",
        });

        var now = await reviews.ReviewAsync(cancellationToken).ConfigureAwait(false);
        var flagged = now.Accounts.Where(a => a.Flags.Count > 0).ToList();
        report.Add("9.4.4", "privileged-accounts-now", flagged.Count > 0 ? CheckResult.Attention : CheckResult.Pass, new()
        {
            ["privilegedAccounts"] = Number(now.Accounts.Count),
            ["flagged"] = Number(flagged.Count),
            ["unused90Days"] = Ids(flagged.Where(a => a.Flags.Contains(AccessReviewService.Unused)).Select(a => $"{a.TenantId}/{a.UserId}")),
            ["withoutMfa"] = Ids(flagged.Where(a => a.Flags.Contains(AccessReviewService.WithoutMfa)).Select(a => $"{a.TenantId}/{a.UserId}")),
        });
    }

    /// <summary>At most 20 ids, then how many more: evidence stays readable on one page.</summary>
    public static string Ids(IEnumerable<string?> ids)
    {
        var list = ids.OfType<string>().ToList();
        return list.Count == 0 ? "none" : list.Count <= 20 ? string.Join(", ", list) : string.Join(", ", list.Take(20)) + $" (+{list.Count - 20} more)";
    }

    [GeneratedRegex("\"flagged\":(\\d+)")]
    private static partial Regex Flagged();
}
