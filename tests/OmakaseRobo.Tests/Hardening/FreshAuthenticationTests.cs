using System.Net;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Hardening;

/// <summary>
/// A change to a second factor needs a fresh authentication (signed in within 10 minutes, else the current password), and
/// the enrolment writes are conditional on the state they assume, so a start racing a confirmation cannot swap seeds.
/// </summary>
public sealed class FreshAuthenticationTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task A_session_older_than_ten_minutes_enrols_only_with_the_current_password()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var api = app.Api();
        app.Clock.Advance(TimeSpan.FromMinutes(10));

        var stale = await Problem.ReadAsync(await api.PostAsync("/v1/me/mfa/totp", null, user.Token), HttpStatusCode.Forbidden);
        Assert.Equal("urn:omakase-robo:problem:reauthentication-required", stale.Type);
        var wrong = await Problem.ReadAsync(await api.PostAsync("/v1/me/mfa/totp", new { currentPassword = "Wrong-Password-123" }, user.Token), HttpStatusCode.BadRequest);
        Assert.Equal(["currentPassword"], wrong.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        await Problem.ReadAsync(await api.PostAsync("/v1/me/mfa/totp", new { currentPassword = 42 }, user.Token), HttpStatusCode.BadRequest);
        var started = await ApiClient.ReadAsync(await api.PostAsync("/v1/me/mfa/totp", new { currentPassword = user.Password }, user.Token), HttpStatusCode.OK);
        await ApiClient.ReadAsync(
            await api.PostAsync("/v1/me/mfa/totp/confirm", new { code = app.NextTotp(started.GetProperty("secret").GetString()!) }, user.Token), HttpStatusCode.OK);
    }

    [Fact]
    public async Task New_recovery_codes_from_an_old_session_need_the_current_password_too()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, [], enrollMfa: true);
        var api = app.Api();
        app.Clock.Advance(TimeSpan.FromMinutes(11));

        var stale = await Problem.ReadAsync(await api.PostAsync("/v1/me/mfa/recovery-codes", new { code = app.NextTotp(user.TotpSecret!) }, user.Token), HttpStatusCode.Forbidden);
        Assert.Equal("urn:omakase-robo:problem:reauthentication-required", stale.Type);
        var renewed = await ApiClient.ReadAsync(
            await api.PostAsync("/v1/me/mfa/recovery-codes", new { code = app.NextTotp(user.TotpSecret!), currentPassword = user.Password }, user.Token), HttpStatusCode.OK);
        Assert.Equal(10, renewed.GetProperty("recoveryCodes").GetArrayLength());
    }

    [Fact]
    public async Task Starts_racing_a_confirmation_never_leave_a_pending_seed_on_an_enrolled_account()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var api = app.Api();
        var first = await ApiClient.ReadAsync(await api.PostAsync("/v1/me/mfa/totp", null, user.Token), HttpStatusCode.OK);
        var code = app.NextTotp(first.GetProperty("secret").GetString()!);

        var answers = await Task.WhenAll(
            Enumerable.Range(0, 10).Select(_ => api.PostAsync("/v1/me/mfa/totp", null, user.Token))
                .Append(api.PostAsync("/v1/me/mfa/totp/confirm", new { code }, user.Token)));

        var confirmed = answers[^1].StatusCode == HttpStatusCode.OK;
        var item = await app.StoredUserAsync(tenant, user.UserId);
        Assert.Equal(confirmed, item["mfaEnabled"].BOOL == true);
        if (confirmed)
        {
            Assert.DoesNotContain("totpPending", item.Keys);
            Assert.All(answers[..^1].Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
            await Problem.ReadAsync(await api.PostAsync("/v1/me/mfa/totp", null, user.Token), HttpStatusCode.Conflict);
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, answers[^1].StatusCode); // a start replaced the seed the code was for
        }
    }
}
