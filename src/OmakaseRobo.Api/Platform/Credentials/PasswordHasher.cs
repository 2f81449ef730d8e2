using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Platform.Credentials;

/// <summary>
/// bcrypt (9.2.4) in BCrypt.Net-Next's enhanced mode: the password is pre-hashed with SHA-384, so every
/// byte counts (plain bcrypt reads only 72 bytes, which a Japanese password fills in 24 characters).
/// </summary>
public sealed class PasswordHasher
{
    public const int MinimumCost = 10;
    private const BCrypt.Net.HashType PreHash = BCrypt.Net.HashType.SHA384;

    // Verified when there is no user, so an unknown email takes as long as a wrong password.
    private readonly Lazy<string> dummyHash;

    public PasswordHasher(OmakaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Cost = Math.Max(MinimumCost, options.Security.BcryptCost);
        dummyHash = new Lazy<string>(() => Hash("dummy password that never matches"));
    }

    public int Cost { get; }

    public string Hash(string password) => BCrypt.Net.BCrypt.EnhancedHashPassword(password, PreHash, Cost);

    public bool Verify(string password, string? hash)
    {
        if (hash is null)
        {
            BCrypt.Net.BCrypt.EnhancedVerify(password, dummyHash.Value, PreHash);
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

    /// <summary>Builds the dummy hash in the background, off the cold start's critical path.</summary>
    public void Warm() => _ = Task.Run(() => dummyHash.Value);
}
