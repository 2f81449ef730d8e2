using System.Security.Cryptography;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>Opaque random ids: a short prefix that says what it names and 100 random bits in lower-case base32.</summary>
internal static class Ids
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string New(string prefix) => prefix + "_" + RandomNumberGenerator.GetString(Alphabet, 20);

    /// <summary>An id of the same shape named by <paramref name="seed"/>: the first 100 bits of its SHA-256.</summary>
    public static string Derived(string prefix, string seed)
    {
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed));
        var id = new char[20];
        for (var i = 0; i < id.Length; i++)
        {
            var bit = i * 5;
            var pair = (hash[bit / 8] << 8) | hash[(bit / 8) + 1];
            id[i] = Alphabet[(pair >> (11 - (bit % 8))) & 31];
        }

        return prefix + "_" + new string(id);
    }

    /// <summary>Ids arrive in paths and tokens: only short, plain ones are ever looked up.</summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-');
}
