namespace OmakaseRobo.Api.Features.ProductPermissions;

internal sealed record PermissionDescription(string? Ja, string? En);

internal sealed record PutPermissionRequest(PermissionDescription? Description, bool? Privileged);

/// <summary>One permission of the catalogue; <c>privileged</c> is known for product permissions only.</summary>
internal sealed record PermissionItem(string Name, string Scope, PermissionDescription Description, bool BuiltIn, bool? Privileged = null);

internal sealed record PermissionList(IReadOnlyList<PermissionItem> Items);
