using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.ProductPermissions;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Roles;

/// <summary>
/// 9.2.2 per-tenant roles and their assignment. No route lets a user raise their own privileges: nobody
/// assigns roles to themselves, edits a role they hold, or grants permissions they do not hold.
/// </summary>
public sealed class RolesService(TenantStore tenants, UserStore users, RoleStore roles, ProductPermissionStore products, IAuditTrail audit)
{
    public const int MaxRolesPerTenant = 50;

    /// <summary>Product permissions one role may hold: a role change and its usage counters must fit one transaction.</summary>
    public const int MaxProductPermissionsPerRole = 40;

    public async Task<List<RoleItem>?> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is null)
        {
            return null;
        }

        var catalogue = await products.GetCatalogueAsync(cancellationToken).ConfigureAwait(false);
        if (tenant.TenantId == BuiltInRoles.PlatformTenantId)
        {
            return [.. BuiltInRoles.PlatformRoles.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new RoleItem(r.Key, [.. r.Value.Order(StringComparer.Ordinal)], true))];
        }

        return
        [
            new RoleItem(BuiltInRoles.Admin, [.. Permissions.Tenant.Concat(catalogue.Names).Order(StringComparer.Ordinal)], true),
            .. tenant.Roles.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new RoleItem(r.Key, r.Value, false)),
        ];
    }

    public async Task<Outcome> PutAsync(string tenantId, string roleName, List<string>? permissions, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var tenant = await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is null)
        {
            return new Outcome.NotFound();
        }

        var catalogue = await products.GetCatalogueAsync(cancellationToken).ConfigureAwait(false);
        if (tenant.TenantId == BuiltInRoles.PlatformTenantId || roleName == BuiltInRoles.Admin || BuiltInRoles.PlatformRoles.ContainsKey(roleName))
        {
            return new Outcome.Conflict("Built-in roles cannot be changed.");
        }

        var errors = Validate.Fields(
            ("roleName", IsValidName(roleName) ? null : FieldMessages.InvalidFormat),
            ("permissions", permissions is null ? FieldMessages.Required
                : permissions.Any(p => !Permissions.Tenant.Contains(p) && !catalogue.Names.Contains(p)) ? FieldMessages.UnknownValue
                : permissions.Distinct(StringComparer.Ordinal).Count(catalogue.Names.Contains) > MaxProductPermissionsPerRole ? "out-of-range"
                : null));
        if (errors is not null)
        {
            return new Outcome.Invalid(errors);
        }

        if (!tenant.Roles.ContainsKey(roleName) && tenant.Roles.Count >= MaxRolesPerTenant)
        {
            return new Outcome.Conflict("The tenant has too many roles.");
        }

        // Self-escalation: a customer cannot edit a role they hold, nor grant what they do not have.
        if (!caller.IsPlatform && (caller.Roles.Contains(roleName) || permissions!.Any(p => !caller.Has(p))))
        {
            return new Outcome.Forbidden();
        }

        var granted = permissions!.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        tenant.Roles.TryGetValue(roleName, out var before);
        var usage = products.UsageWrites(before ?? [], granted, IsProduct);
        switch (await roles.PutAsync(tenantId, roleName, before, granted, usage, cancellationToken).ConfigureAwait(false))
        {
            case RoleStore.PutOutcome.TenantNotActive:
                return new Outcome.Conflict("The tenant is not active.");
            case RoleStore.PutOutcome.Changed:
                return new Outcome.Conflict("The role changed meanwhile; read it and try again.");
            case RoleStore.PutOutcome.PermissionRemoved:
                return new Outcome.Invalid(new() { ["permissions"] = [FieldMessages.UnknownValue] });
        }

        await AuditAsync(caller, tenantId, "role.put", roleName, new()
        {
            ["permissions"] = string.Join(',', granted),
            ["previous"] = tenant.Roles.TryGetValue(roleName, out var previous) ? string.Join(',', previous) : "(new)",
        }, cancellationToken).ConfigureAwait(false);
        return new Outcome.Done(new RoleItem(roleName, granted, false));
    }

    public async Task<Outcome> DeleteAsync(string tenantId, string roleName, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (roleName == BuiltInRoles.Admin || BuiltInRoles.PlatformRoles.ContainsKey(roleName))
        {
            return new Outcome.Conflict("Built-in roles cannot be deleted.");
        }

        if (!IsValidName(roleName))
        {
            return new Outcome.NotFound();
        }

        var tenant = await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is null || !tenant.Roles.TryGetValue(roleName, out var before))
        {
            return new Outcome.NotFound();
        }

        switch (await roles.DeleteAsync(tenantId, roleName, before, products.UsageWrites(before, [], IsProduct), cancellationToken).ConfigureAwait(false))
        {
            case RoleStore.DeleteOutcome.Changed:
                return new Outcome.Conflict("The role changed meanwhile; read it and try again.");
            case RoleStore.DeleteOutcome.Assigned:
                return new Outcome.Conflict("The role is assigned to users.");
            case RoleStore.DeleteOutcome.NotFound:
                return new Outcome.NotFound();
        }

        await AuditAsync(caller, tenantId, "role.delete", roleName, [], cancellationToken).ConfigureAwait(false);
        return new Outcome.Done();
    }

    public async Task<Outcome> AssignAsync(string tenantId, string userId, List<string>? requested, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var tenant = await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var user = await users.GetAsync(tenantId, userId, cancellationToken).ConfigureAwait(false);
        if (tenant is null || user is null || !user.IsActive)
        {
            return new Outcome.NotFound();
        }

        if (requested is null || requested.Count > UsersService.MaxRoles || requested.Any(r => !UsersService.IsKnownRole(tenant, r)))
        {
            return new Outcome.Invalid(new() { ["roles"] = [requested is null ? FieldMessages.Required : FieldMessages.UnknownValue] });
        }

        // Nobody changes their own roles, and a customer cannot hand out permissions they lack.
        var newRoles = requested.Distinct(StringComparer.Ordinal).ToList();
        var catalogue = await products.GetCatalogueAsync(cancellationToken).ConfigureAwait(false);
        var grants = BuiltInRoles.PermissionsOf(tenantId, newRoles, tenant.Roles, catalogue.Names);
        if (caller.UserId == userId || (!caller.IsPlatform && grants.Any(p => !caller.Has(p))))
        {
            return new Outcome.Forbidden();
        }

        switch (await users.AssignRolesAsync(user, newRoles, cancellationToken).ConfigureAwait(false))
        {
            case AssignRolesOutcome.AdminLimitReached:
                return new Outcome.Conflict("The tenant has reached its admin limit.");
            case AssignRolesOutcome.LastAdmin:
                return new Outcome.Conflict("The tenant would lose its last admin.");
            case AssignRolesOutcome.RoleNotDefined:
                return new Outcome.Conflict("A role was deleted meanwhile.");
            case AssignRolesOutcome.Changed:
                return new Outcome.Conflict("The user's roles changed meanwhile; read them and try again.");
        }

        await AuditAsync(caller, tenantId, "user.roles.assign", userId, new()
        {
            ["roles"] = string.Join(',', newRoles),
            ["previous"] = string.Join(',', user.Roles),
        }, cancellationToken).ConfigureAwait(false);
        return new Outcome.Done(new AssignedRoles(userId, newRoles));
    }

    /// <summary>Role names: lower-case letters, digits and dashes, 2 to 32 characters, starting with a letter.</summary>
    public static bool IsValidName(string name) =>
        name is { Length: >= 2 and <= 32 } && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>What a stored role holds is a tenant permission or a product one; the product ones are counted.</summary>
    private static bool IsProduct(string permission) => !Permissions.Tenant.Contains(permission);

    private Task AuditAsync(Caller caller, string tenantId, string action, string target, Dictionary<string, string> details, CancellationToken cancellationToken)
    {
        details["actorTenantId"] = caller.TenantId;
        return audit.WriteAsync(new AuditEvent(AuditCategory.Operation, tenantId, caller.UserId, action, target, "success", caller.SourceIp, caller.UserAgent, details), cancellationToken);
    }
}
