namespace OmakaseRobo.Api.Platform.Access;

/// <summary>
/// What an endpoint requires, declared where it is mapped and checked in one place (AccessMiddleware).
/// Tenant-scoped routes carry {tenantId}: a caller of that tenant needs <see cref="TenantPermission"/>;
/// a platform user needs <see cref="PlatformPermission"/> and is audited as privileged; anyone else
/// gets 404, as if the tenant did not exist.
/// </summary>
internal sealed record AccessRule(string? TenantPermission, string? PlatformPermission, bool Anonymous, bool AllowedWhileRestricted)
{
    /// <summary>The route value that names the tenant a request is about.</summary>
    public const string TenantRouteValue = "tenantId";

    public static readonly AccessRule AnonymousAccess = new(null, null, Anonymous: true, AllowedWhileRestricted: true);

    /// <summary>Any signed-in user, about themselves; with <paramref name="whileRestricted"/> also before the password change or MFA enrolment.</summary>
    public static AccessRule SignedIn(bool whileRestricted = false) => new(null, null, Anonymous: false, whileRestricted);
}

internal static class AccessRuleExtensions
{
    public static TBuilder AllowAnonymousAccess<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(AccessRule.AnonymousAccess);

    public static TBuilder RequireSignedIn<TBuilder>(this TBuilder builder, bool whileRestricted = false)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(AccessRule.SignedIn(whileRestricted));

    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string? tenant, string? platform)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new AccessRule(tenant, platform, Anonymous: false, AllowedWhileRestricted: false));
}
