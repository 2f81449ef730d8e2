using System.Security.Cryptography;
using System.Text;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Text;

namespace OmakaseRobo.Api.Features.ServiceClients;

/// <summary>
/// A service client's secret: 256 random bits, shown once. Only its SHA-256 is stored; a hash that fast is enough for
/// a secret that cannot be guessed, and the comparison takes the same time wherever the bytes differ.
/// </summary>
internal static class ServiceClientSecret
{
    public const string IdPrefix = "sc";

    public static string New() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string secret) => TextDigest.Sha256Hex(secret);

    public static bool Matches(string? storedHash, string presented)
    {
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        if (storedHash is not { Length: 64 })
        {
            CryptographicOperations.FixedTimeEquals(presentedHash, presentedHash); // the same work when there is nothing to compare
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Convert.FromHexString(storedHash), presentedHash);
    }

    public static bool IsClientId(string? id) =>
        id is { Length: 23 } && id.StartsWith(IdPrefix + "_", StringComparison.Ordinal) && Platform.Storage.Ids.IsWellFormed(id);
}
