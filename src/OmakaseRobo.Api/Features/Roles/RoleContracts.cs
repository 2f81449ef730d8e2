using System.ComponentModel.DataAnnotations;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Roles;

public sealed record RoleItem(string Name, IReadOnlyList<string> Permissions, bool BuiltIn);

public sealed record RoleList(IReadOnlyList<RoleItem> Items);

public sealed record PutRoleRequest([property: Required] List<string>? Permissions);

public sealed record AssignRolesRequest([property: Required] List<string>? Roles);

public sealed record AssignedRoles(string UserId, IReadOnlyList<string> Roles);
