namespace OmakaseRobo.Api.Features.ProductPermissions;

public sealed record PermissionDescription(string? Ja, string? En);

public sealed record PutPermissionRequest(PermissionDescription? Description, bool? Privileged);

/// <summary>One permission of the catalogue; <c>privileged</c> is known for product permissions only.</summary>
public sealed record PermissionItem(string Name, string Scope, PermissionDescription Description, bool BuiltIn, bool? Privileged = null);

public sealed record PermissionList(IReadOnlyList<PermissionItem> Items);
