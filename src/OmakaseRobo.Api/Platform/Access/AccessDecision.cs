namespace OmakaseRobo.Api.Platform.Access;

/// <summary>What the access rule of an endpoint says about a caller: one decision, used by the access check and the access record.</summary>
internal enum AccessDecision
{
    Allowed,
    Privileged,
    Forbidden,
    NotFound,
}

internal static class AccessDecisions
{
    /// <summary>
    /// The rule itself. Platform users act by platform permission (privileged, audited, when it crosses into a
    /// customer tenant); customers by tenant permission inside their own tenant; another tenant is not found.
    /// </summary>
    public static AccessDecision Decide(Caller caller, AccessRule rule, string? routeTenant)
    {
        if (rule.TenantPermission is null && rule.PlatformPermission is null)
        {
            return routeTenant is null || routeTenant == caller.TenantId ? AccessDecision.Allowed : AccessDecision.NotFound;
        }

        if (caller.IsPlatform)
        {
            if (rule.PlatformPermission is not null && caller.Has(rule.PlatformPermission))
            {
                return routeTenant is null || routeTenant == caller.TenantId ? AccessDecision.Allowed : AccessDecision.Privileged;
            }

            return routeTenant is null || routeTenant == caller.TenantId ? AccessDecision.Forbidden : AccessDecision.NotFound;
        }

        if (routeTenant is not null && routeTenant != caller.TenantId)
        {
            return AccessDecision.NotFound;
        }

        return rule.TenantPermission is not null && caller.Has(rule.TenantPermission) ? AccessDecision.Allowed : AccessDecision.Forbidden;
    }
}
