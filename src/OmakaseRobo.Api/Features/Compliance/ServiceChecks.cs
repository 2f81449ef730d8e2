using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Http;
using static OmakaseRobo.Api.Features.Compliance.ReportBuilder;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>1 the customer's part and the service's, 14.1.1 the security requirements every request meets.</summary>
internal static class ServiceChecks
{
    public static void Add(ReportBuilder report, ComplianceFacts facts)
    {
        // The customer's part (their users' roles, their audit trail, reporting what looks wrong) needs an active admin.
        var customers = facts.Tenants.Where(t => t.IsActive && t.TenantId != BuiltInRoles.PlatformTenantId).ToList();
        var withoutAdmin = customers
            .Where(t => !facts.Users.TryGetValue(t.TenantId, out var users) || !users.Any(u => u.IsActive && facts.IsPrivileged(u)))
            .Select(t => t.TenantId)
            .ToList();
        report.Add("1", "customer-can-do-its-part", withoutAdmin.Count == 0 ? CheckResult.Pass : CheckResult.Attention, new()
        {
            ["serviceOwns"] = "platform, keys, backups, logs and their retention, incident response, operators (README, docs/product.md)",
            ["customerOwns"] = "its users and their roles, its admins' MFA, reporting suspicious activity, reading its notices and audit trail",
            ["customerTools"] = "POST /v1/incidents, GET /v1/me/sessions, GET /v1/tenants/{tenantId}/audit-events, GET /v1/tenants/{tenantId}/notices",
            ["activeCustomerTenants"] = Number(customers.Count),
            ["tenantsWithoutActiveAdmin"] = withoutAdmin.Count == 0 ? "none" : string.Join(',', withoutAdmin.Take(20)),
        });
        report.Add("14.1.1", "input-and-error-handling", CheckResult.Pass, new()
        {
            ["bodies"] = $"JSON only, at most {Number(BodyLimitMiddleware.MaxBodyBytes)} bytes, duplicate keys refused",
            ["fields"] = "every field validated: length, format, no control characters or bidirectional overrides",
            ["errors"] = "RFC 9457 problem details in ja and en with a traceId, never a stack trace",
            ["sessions"] = "opaque bearer tokens stored as SHA-256, idle and absolute timeouts, ended at once by logout, suspension or deletion",
        });
    }
}
