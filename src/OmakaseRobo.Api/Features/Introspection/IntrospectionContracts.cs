using System.Text.Json.Serialization;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Introspection;

/// <summary>RFC 7662 section 2.2. An inactive token answers only <c>{"active":false}</c>: every other member is null, so not written.</summary>
internal sealed record IntrospectionResponse(
    [property: JsonPropertyName("active")] bool Active,
    [property: JsonPropertyName("token_type")] string? TokenType = null,
    [property: JsonPropertyName("sub")] string? Subject = null,
    [property: JsonPropertyName("tenant_id")] string? TenantId = null,
    [property: JsonPropertyName("roles")] IReadOnlyList<string>? Roles = null,
    [property: JsonPropertyName("permissions")] IReadOnlyList<string>? Permissions = null,
    [property: JsonPropertyName("session_id")] string? SessionId = null,
    [property: JsonPropertyName("amr")] IReadOnlyList<string>? AuthenticationMethods = null,
    [property: JsonPropertyName("iat")] long? IssuedAt = null,
    [property: JsonPropertyName("exp")] long? ExpiresAt = null)
{
    public static readonly IntrospectionResponse Inactive = new(false);
}
