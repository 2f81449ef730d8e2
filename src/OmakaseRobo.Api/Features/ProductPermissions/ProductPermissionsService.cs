using System.Collections.Frozen;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.ProductPermissions;

/// <summary>
/// The permission catalogue, opened to the product (9.2.2 "every function"): operators define product permissions
/// (area:action) that custom roles may hold and admin always holds; built-in permissions are fixed.
/// </summary>
internal sealed class ProductPermissionsService(ProductPermissionStore store, IAuditTrail audit, TimeProvider clock)
{
    public const string TenantScope = "tenant";
    public const string PlatformScope = "platform";
    public const string ProductScope = "product";

    /// <summary>Areas of the built-in permissions: a product permission there would read as one of ours.</summary>
    private static readonly FrozenSet<string> ReservedAreas =
        Permissions.Tenant.Concat(Permissions.Platform).Select(p => p[..p.IndexOf(':', StringComparison.Ordinal)]).ToFrozenSet(StringComparer.Ordinal);

    public static bool IsBuiltIn(string name) => Permissions.Tenant.Contains(name) || Permissions.Platform.Contains(name);

    /// <summary>area:action, each part a lower-case letter then up to 31 lower-case letters, digits or dashes.</summary>
    public static bool IsWellFormed(string? name)
    {
        var colon = name?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return colon > 0 && IsPart(name![..colon]) && IsPart(name[(colon + 1)..]);

        static bool IsPart(string part) =>
            part is { Length: >= 1 and <= 32 } && char.IsAsciiLetterLower(part[0]) && part.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
    }

    public async Task<List<PermissionItem>> ListAsync(CancellationToken cancellationToken)
    {
        var products = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        return
        [
            .. Permissions.Tenant.Order(StringComparer.Ordinal).Select(p => new PermissionItem(p, TenantScope, BuiltInPermissionDescriptions.All[p], BuiltIn: true)),
            .. Permissions.Platform.Order(StringComparer.Ordinal).Select(p => new PermissionItem(p, PlatformScope, BuiltInPermissionDescriptions.All[p], BuiltIn: true)),
            .. products.OrderBy(p => p.Name, StringComparer.Ordinal).Select(ToItem),
        ];
    }

    public async Task<Outcome<PermissionItem>> PutAsync(string name, PutPermissionRequest request, Caller caller, CancellationToken cancellationToken)
    {
        if (IsBuiltIn(name))
        {
            return new Failure.Conflict("Built-in permissions cannot be changed.");
        }

        var errors = Validate.Fields(
            ("name", !IsWellFormed(name) ? FieldMessages.InvalidFormat : ReservedAreas.Contains(name[..name.IndexOf(':', StringComparison.Ordinal)]) ? "permission-reserved" : null),
            ("description", request.Description is null ? FieldMessages.Required : null),
            ("description.ja", request.Description is null ? null : Validate.Required(request.Description.Ja, 200)),
            ("description.en", request.Description is null ? null : Validate.Required(request.Description.En, 200)));
        if (errors is not null)
        {
            return new Failure.Invalid(errors);
        }

        // Two operators defining the same new name at once: the loser reads the winner's definition and updates it.
        for (var attempt = 1; ; attempt++)
        {
            var existing = await store.GetAsync(name, cancellationToken).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            var permission = new ProductPermissionRecord(
                name, request.Description!.Ja!.Trim(), request.Description.En!.Trim(), request.Privileged ?? existing?.Privileged ?? false,
                existing?.CreatedAt ?? now, now);
            var record = Stage(caller, "permission.put", name, new()
            {
                ["privileged"] = permission.Privileged ? "true" : "false",
                ["previous"] = existing is null ? "(new)" : $"privileged={(existing.Privileged ? "true" : "false")}",
            });
            var put = await store.PutAsync(permission, isNew: existing is null, record, cancellationToken).ConfigureAwait(false);
            if (put.Succeeded)
            {
                await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
                return ToItem(permission);
            }

            if (put.Failure != ProductPermissionStore.Changed || attempt == 2)
            {
                return put.Failure;
            }
        }
    }

    public async Task<Outcome<Completed>> DeleteAsync(string name, Caller caller, CancellationToken cancellationToken)
    {
        if (IsBuiltIn(name))
        {
            return new Failure.Conflict("Built-in permissions cannot be removed.");
        }

        if (!IsWellFormed(name))
        {
            return new Failure.NotFound();
        }

        var record = Stage(caller, "permission.delete", name, []);
        var deleted = await store.DeleteAsync(name, record, cancellationToken).ConfigureAwait(false);
        if (!deleted.Succeeded)
        {
            return deleted.Failure;
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return Completed.Value;
    }

    private static PermissionItem ToItem(ProductPermissionRecord p) => new(p.Name, ProductScope, new(p.Japanese, p.English), BuiltIn: false, p.Privileged);

    /// <summary>The change's record, committed in its transaction (the outbox) and appended after it.</summary>
    private PendingAudit Stage(Caller caller, string action, string target, Dictionary<string, string> details) =>
        audit.Stage(new AuditEvent(
            AuditCategory.Operation, BuiltInRoles.PlatformTenantId, caller.UserId, action, target, "success", caller.SourceIp, caller.UserAgent, details));
}
