using System.Security.Cryptography;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>Opaque random ids: a short prefix that says what it names and 100 random bits in lower-case base32.</summary>
internal static class Ids
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string New(string prefix) => prefix + "_" + RandomNumberGenerator.GetString(Alphabet, 20);

    /// <summary>Ids arrive in paths and tokens: only short, plain ones are ever looked up.</summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-');
}
