using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Platform.Credentials;

/// <summary>
/// bcrypt (9.2.4) in BCrypt.Net-Next's enhanced mode: the password is pre-hashed with SHA-384, so every
/// byte counts (plain bcrypt reads only 72 bytes, which a Japanese password fills in 24 characters).
/// </summary>
internal sealed class PasswordHasher
{
    public const int MinimumCost = 10;
    private const BCrypt.Net.HashType PreHash = BCrypt.Net.HashType.SHA384;

    // Verified when there is no user, so an unknown email takes as long as a wrong password. A verify costs what the
    // hash's cost field says, whatever the hash: a fresh random salt and random digest at today's cost are as slow to
    // check as a real hash and match no password, without the cost-12 hash a start used to compute (issue 17).
    private readonly string dummyHash;

    public PasswordHasher(OmakaseOptions options)
    {
        Cost = Math.Max(MinimumCost, options.Security.BcryptCost);
        dummyHash = DummyHash(Cost);
    }

    public int Cost { get; }

    public string Hash(string password) => BCrypt.Net.BCrypt.EnhancedHashPassword(password, PreHash, Cost);

    public bool Verify(string password, string? hash)
    {
        if (hash is null)
        {
            BCrypt.Net.BCrypt.EnhancedVerify(password, dummyHash, PreHash);
            return false;
        }

        try
        {
            return BCrypt.Net.BCrypt.EnhancedVerify(password, hash, PreHash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }

    /// <summary>A hash made at a lower cost than today's is replaced at the next successful sign-in.</summary>
    public bool NeedsUpgrade(string hash) => BCrypt.Net.BCrypt.PasswordNeedsRehash(hash, Cost);

    /// <summary>A well-formed bcrypt hash at the given cost that no password produces: random salt, random 31-character digest.</summary>
    internal static string DummyHash(int cost)
    {
        const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var digest = System.Security.Cryptography.RandomNumberGenerator.GetString(Alphabet, 31);
        return BCrypt.Net.BCrypt.GenerateSalt(cost) + digest;
    }
}
