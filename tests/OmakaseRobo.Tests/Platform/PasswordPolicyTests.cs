using System.Diagnostics;
using OmakaseRobo.Api.Platform.Credentials;

namespace OmakaseRobo.Tests.Platform;

public sealed class PasswordPolicyTests
{
    [Theory]
    [InlineData("Short1a", "password-too-short")]
    [InlineData("alllowercase123", "password-needs-upper")]
    [InlineData("ALLUPPERCASE123", "password-needs-lower")]
    [InlineData("NoDigitsAtAllHere", "password-needs-digit")]
    [InlineData("Hanako-Yamada-2026", "password-contains-email")]
    [InlineData("Password123456", "password-common")]
    [InlineData("Iloveyou2026!", "password-common")]
    public void A_weak_password_is_refused_with_the_reason(string password, string reason)
    {
        Assert.Contains(reason, PasswordPolicy.Check(password, "hanako-yamada@customer.example"));
    }

    [Fact]
    public void A_long_mixed_password_passes_and_one_over_128_characters_does_not()
    {
        Assert.Empty(PasswordPolicy.Check("Quiet-Harbour-Lantern-42", "someone@customer.example"));
        Assert.Contains("password-too-long", PasswordPolicy.Check("Aa1" + new string('x', 126), null));
    }

    [Fact]
    public void The_common_password_list_holds_at_least_ten_thousand_entries_and_loads_fast()
    {
        var watch = Stopwatch.StartNew();
        var count = PasswordPolicy.CommonCount;
        watch.Stop();

        Assert.True(count >= 10_000, $"{count} entries");
        Assert.True(watch.ElapsedMilliseconds < 1_000, $"{watch.ElapsedMilliseconds} ms");
    }
}
