using System.Security.Cryptography;
using System.Text;

namespace OmakaseRobo.Api.Platform.Text;

/// <summary>
/// The SHA-256 of a text's UTF-8 bytes in lower-case hex: the one way the app stores a token, secret or code as a hash,
/// fingerprints a request or a message, and digests the lines of a manifest.
/// </summary>
internal static class TextDigest
{
    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
