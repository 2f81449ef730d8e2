using System.ComponentModel.DataAnnotations;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Roles;

internal sealed record RoleItem(string Name, IReadOnlyList<string> Permissions, bool BuiltIn);

internal sealed record RoleList(IReadOnlyList<RoleItem> Items);

internal sealed record PutRoleRequest([property: Required] List<string>? Permissions);

internal sealed record AssignRolesRequest([property: Required] List<string>? Roles);

internal sealed record AssignedRoles(string UserId, IReadOnlyList<string> Roles);
