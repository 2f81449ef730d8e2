using System.Security.Cryptography;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Text;

namespace OmakaseRobo.Api.Features.Sessions;

/// <summary>
/// An opaque bearer token: tenant id, user id and 256 random bits. Only its SHA-256 is stored; carrying the
/// ids lets one BatchGetItem fetch session, user and tenant together on each request.
/// </summary>
internal sealed record BearerToken(string TenantId, string UserId, string Value)
{
    public string Hash => TextDigest.Sha256Hex(Value);

    public static BearerToken Issue(string tenantId, string userId) =>
        new(tenantId, userId, $"{tenantId}.{userId}.{Base64Url(RandomNumberGenerator.GetBytes(32))}");

    public static BearerToken? Parse(string? value)
    {
        if (value is not { Length: > 0 and <= 200 })
        {
            return null;
        }

        var parts = value.Split('.');
        return parts.Length == 3 && Ids.IsWellFormed(parts[0]) && Ids.IsWellFormed(parts[1]) && parts[2].Length == 43
            ? new BearerToken(parts[0], parts[1], value)
            : null;
    }

    public static BearerToken? FromAuthorizationHeader(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? Parse(header["Bearer ".Length..].Trim()) : null;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
