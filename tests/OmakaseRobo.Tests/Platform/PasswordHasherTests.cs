using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Credentials;

namespace OmakaseRobo.Tests.Platform;

/// <summary>The unknown user's verify: the same bcrypt work as a real one, with no hash computed at start.</summary>
public sealed class PasswordHasherTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(12)]
    public void Unknown_users_dummy_hash_is_a_well_formed_hash_at_the_configured_cost_that_matches_nothing(int cost)
    {
        var dummy = PasswordHasher.DummyHash(cost);

        Assert.Equal(60, dummy.Length);
        Assert.StartsWith($"$2a${cost:D2}$", dummy, StringComparison.Ordinal);
        Assert.False(BCrypt.Net.BCrypt.PasswordNeedsRehash(dummy, cost)); // the same cost field, so the same work
        Assert.NotEqual(dummy, PasswordHasher.DummyHash(cost));
        Assert.False(BCrypt.Net.BCrypt.EnhancedVerify("Harbour-Lantern-7Qz", dummy, BCrypt.Net.HashType.SHA384));
    }

    [Fact]
    public void Verify_without_a_hash_is_false_and_does_not_throw()
    {
        var hasher = new PasswordHasher(new OmakaseOptions { Security = { BcryptCost = 10 } });

        Assert.False(hasher.Verify("Harbour-Lantern-7Qz", null));
        Assert.True(hasher.Verify("Harbour-Lantern-7Qz", hasher.Hash("Harbour-Lantern-7Qz")));
    }
}
