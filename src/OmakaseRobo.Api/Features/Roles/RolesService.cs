using OmakaseRobo.Api.Features.ProductPermissions;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Roles;

/// <summary>
/// 9.2.2 per-tenant roles and their assignment. No route lets a user raise their own privileges: nobody
/// assigns roles to themselves, edits a role they hold, or grants permissions they do not hold. Nor does a customer
/// edit or delete a role that carries a permission they lack: that would take it from its holders.
/// </summary>
internal sealed class RolesService(TenantStore tenants, RoleStore roles, ProductPermissionStore products, ProductPermissionUsage usage, IAuditTrail audit)
{
    public const int MaxRolesPerUser = 10;

    /// <summary>Product permissions one role may hold (a bound on the role item and on its check against the catalogue).</summary>
    public const int MaxProductPermissionsPerRole = 40;

    public async Task<Outcome<RoleList>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is null)
        {
            return new Failure.NotFound();
        }

        var catalogue = await products.GetCatalogueAsync(cancellationToken).ConfigureAwait(false);
        if (tenant.TenantId == BuiltInRoles.PlatformTenantId)
        {
            return new RoleList([.. BuiltInRoles.PlatformRoles.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new RoleItem(r.Key, [.. r.Value.Order(StringComparer.Ordinal)], true))]);
        }

        return new RoleList(
        [
            new RoleItem(BuiltInRoles.Admin, [.. Permissions.Tenant.Concat(catalogue.Names).Order(StringComparer.Ordinal)], true),
            .. tenant.Roles.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new RoleItem(r.Key, r.Value, false)),
        ]);
    }

    public async Task<Outcome<RoleItem>> PutAsync(string tenantId, string roleName, List<string>? permissions, Caller caller, CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is null)
        {
            return new Failure.NotFound();
        }

        var catalogue = await products.GetCatalogueAsync(cancellationToken).ConfigureAwait(false);
        if (roleName == BuiltInRoles.Admin || BuiltInRoles.PlatformRoles.ContainsKey(roleName))
        {
            return new Failure.Conflict("Built-in roles cannot be changed.");
        }

        if (tenant.TenantId == BuiltInRoles.PlatformTenantId)
        {
            return new Failure.Conflict("The platform tenant has only its built-in roles.");
        }

        var errors = Validate.Fields(
            ("roleName", IsValidName(roleName) ? null : FieldMessages.InvalidFormat),
            ("permissions", permissions is null ? FieldMessages.Required
                : permissions.Any(p => !Permissions.Tenant.Contains(p) && !catalogue.Names.Contains(p)) ? FieldMessages.UnknownValue
                : permissions.Distinct(StringComparer.Ordinal).Count(catalogue.Names.Contains) > MaxProductPermissionsPerRole ? "out-of-range"
                : null));
        if (errors is not null)
        {
            return new Failure.Invalid(errors);
        }

        tenant.Roles.TryGetValue(roleName, out var before);
        if (before is null && tenant.Roles.Count >= RoleStore.MaxRolesPerTenant)
        {
            return RoleStore.TooManyRoles;
        }

        // Self-escalation: a customer cannot edit a role they hold, nor grant what they do not have. Nor take away what
        // they do not have: the role's permissions before the change must be theirs too (as with assignments).
        if (!caller.IsPlatform && (caller.Roles.Contains(roleName) || permissions!.Concat(before ?? []).Any(p => !caller.Has(p))))
        {
            return new Failure.Forbidden();
        }

        var granted = permissions!.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var counts = usage.UsageWrites(before ?? [], granted);
        var record = Stage(caller, tenantId, "role.put", roleName, new()
        {
            ["permissions"] = string.Join(',', granted),
            ["previous"] = before is not null ? string.Join(',', before) : "(new)",
        });
        // Whether a role is privileged cannot change while users hold it: their count against adminLimit was taken with it.
        var flips = before is not null && Privilege.Grants(before) != Privilege.Grants(granted);
        var put = await roles.PutAsync(tenantId, roleName, before, granted, [.. counts, record.Write], flips, cancellationToken).ConfigureAwait(false);
        if (!put.Succeeded)
        {
            return put.Failure;
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return new RoleItem(roleName, granted, false);
    }

    public async Task<Outcome<Completed>> DeleteAsync(string tenantId, string roleName, Caller caller, CancellationToken cancellationToken)
    {
        if (roleName == BuiltInRoles.Admin || BuiltInRoles.PlatformRoles.ContainsKey(roleName))
        {
            return new Failure.Conflict("Built-in roles cannot be deleted.");
        }

        if (!IsValidName(roleName))
        {
            return new Failure.NotFound();
        }

        var tenant = await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is null || !tenant.Roles.TryGetValue(roleName, out var before))
        {
            return new Failure.NotFound();
        }

        // A customer removes only a role whose every permission they hold, as they would to take it from a user.
        if (!caller.IsPlatform && before.Any(p => !caller.Has(p)))
        {
            return new Failure.Forbidden();
        }

        var record = Stage(caller, tenantId, "role.delete", roleName, []);
        var deleted = await roles.DeleteAsync(tenantId, roleName, before, [.. usage.UsageWrites(before, []), record.Write], cancellationToken).ConfigureAwait(false);
        if (!deleted.Succeeded)
        {
            return deleted.Failure;
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return Completed.Value;
    }

    /// <summary>Role names: lower-case letters, digits and dashes, 2 to 32 characters, starting with a letter.</summary>
    public static bool IsValidName(string name) =>
        name is { Length: >= 2 and <= 32 } && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>A role that can be assigned in the tenant: a platform role in the platform tenant, else admin or a defined custom role.</summary>
    public static bool IsKnownRole(TenantRecord tenant, string role)
    {
        return tenant.TenantId == BuiltInRoles.PlatformTenantId
            ? BuiltInRoles.PlatformRoles.ContainsKey(role)
            : role == BuiltInRoles.Admin || tenant.Roles.ContainsKey(role);
    }

    /// <summary>The change's record, committed in its transaction (the outbox) and appended after it.</summary>
    private PendingAudit Stage(Caller caller, string tenantId, string action, string target, Dictionary<string, string> details) =>
        audit.Stage(AuditEvent.By(caller, AuditCategory.Operation, action, target, details: details, tenantId: tenantId));
}
