using System.Net;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Access;

public sealed class AccessReviewTests
{
    [Fact]
    public async Task The_review_lists_platform_users_and_admins_and_flags_the_unused_and_those_without_mfa()
    {
        using var app = new OmakaseApp();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync(requireMfaForAdmins: false);
        var (adminWithoutMfa, _, _) = await app.CreateUserAsync(tenant, "admin");
        var (plainUser, _, _) = await app.CreateUserAsync(tenant);
        var api = app.Api();

        var fresh = await ApiClient.ReadAsync(await api.GetAsync("/v1/access-reviews/privileged", op.Token), HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromDays(91));
        var token = await app.SignInWithMfaAsync(op);
        var later = await ApiClient.ReadAsync(await api.GetAsync("/v1/access-reviews/privileged", token), HttpStatusCode.OK);

        var accounts = fresh.GetProperty("accounts").EnumerateArray().ToList();
        Assert.Contains(accounts, a => a.GetProperty("userId").GetString() == op.UserId && a.GetProperty("mfaEnabled").GetBoolean() && a.GetProperty("flags").GetArrayLength() == 0);
        Assert.Contains(accounts, a => a.GetProperty("userId").GetString() == adminWithoutMfa && a.GetProperty("flags").EnumerateArray().Any(f => f.GetString() == "admin-without-mfa"));
        Assert.DoesNotContain(accounts, a => a.GetProperty("userId").GetString() == plainUser);
        var stale = later.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("userId").GetString() == adminWithoutMfa);
        Assert.Contains("unused-90-days", stale.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        var active = later.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("userId").GetString() == op.UserId);
        Assert.DoesNotContain("unused-90-days", active.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
    }
}
