using System.Globalization;
using System.Net;
using Amazon.DynamoDBv2;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Storage;
using OtpNet;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Auth;

/// <summary>Issue #12 items 1-3: the lockout holds however attempts interleave, for every credential it guards.</summary>
public sealed class LockoutBurstTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private const string Wrong = "Wrong-Password-123";
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task A_burst_of_25_wrong_passwords_gets_5_verified_and_the_right_password_after_it_answers_429()
    {
        var tenantId = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenantId, []);
        var api = app.Api();

        var burst = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => api.PostAsync("/v1/auth/login", new { tenantId, user.Email, password = Wrong })));
        var right = await api.PostAsync("/v1/auth/login", new { tenantId, user.Email, password = user.Password });

        Assert.Equal(5, burst.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(20, burst.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.All(burst.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests), r => Assert.True(r.Headers.RetryAfter is not null));
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal("1", right.Headers.GetValues("Retry-After").Single());
    }

    [Theory]
    [InlineData("unknown address")]
    [InlineData("unknown tenant")]
    [InlineData("suspended user")]
    public async Task An_address_that_names_no_active_user_locks_as_a_real_one_does_so_the_lock_tells_nothing(string who)
    {
        var tenantId = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenantId, []);
        var email = who == "unknown address" ? $"nobody-{Guid.NewGuid():N}@customer.example" : user.Email;
        if (who == "unknown tenant")
        {
            tenantId = $"t_{Guid.NewGuid():N}"[..22];
        }
        else if (who == "suspended user")
        {
            var op = await app.OperatorAsync();
            await ApiClient.ReadAsync(
                await app.Api().PutAsync($"/v1/tenants/{tenantId}/users/{user.UserId}/status", new { status = "suspended", reason = "test" }, op.Token), HttpStatusCode.OK);
        }

        var api = app.Api();
        var burst = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => api.PostAsync("/v1/auth/login", new { tenantId, email, password = Wrong })));
        var after = await api.PostAsync("/v1/auth/login", new { tenantId, email = email.ToUpperInvariant(), password = Wrong });

        Assert.Equal(5, burst.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(20, burst.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.TooManyRequests, after.StatusCode); // the same address in another spelling: the same counter
        Assert.Equal("1", after.Headers.GetValues("Retry-After").Single());
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.PostAsync("/v1/auth/login", new { tenantId, email, password = Wrong })).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await api.PostAsync("/v1/auth/login", new { tenantId, email, password = Wrong })).StatusCode); // locked again, for 2 s
        if (who != "suspended user")
        {
            // The counter of an unknown address lives a day past its last counted attempt, the one that locked included.
            using var dynamo = OmakaseApp.Dynamo();
            var counter = await dynamo.GetItemAsync(app.MainTable, MainItems.UnknownSignIn.Key(MainItems.UnknownSignIn.Partition(tenantId, email)));
            Assert.Equal((app.Clock.GetUtcNow() + UserLockoutStore.UnknownCounterLifetime).ToUnixTimeSeconds(), long.Parse(counter.Item["ttl"].N, CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task The_right_password_inside_a_burst_of_wrong_ones_is_verified_only_if_it_wins_one_of_the_5_slots()
    {
        var tenantId = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenantId, []);
        var api = app.Api();

        var attempts = Enumerable.Range(0, 26).Select(i => api.PostAsync("/v1/auth/login", new { tenantId, user.Email, password = i == 13 ? user.Password : Wrong }));
        var burst = await Task.WhenAll(attempts);

        var verified = burst.Count(r => r.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.OK);
        Assert.InRange(verified, 5, 10); // 5 slots; a success in them resets the count for the requests still arriving
        Assert.True(burst.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests) >= 16);
        Assert.All(burst, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
    }

    [Fact]
    public async Task Twenty_wrong_codes_over_four_mfa_tokens_lock_the_user_and_the_right_code_then_answers_429()
    {
        var tenantId = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenantId, [], enrollMfa: true);
        var api = app.Api();
        app.Clock.Advance(TimeSpan.FromSeconds(30)); // a TOTP step not used by the enrolment
        var tokens = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            tokens.Add((await app.LoginAsync(tenantId, user.Email, user.Password)).GetProperty("mfaToken").GetString()!); // a right password resets nothing
        }

        var code = new Totp(Base32Encoding.ToBytes(user.TotpSecret!)).ComputeTotp(app.Clock.GetUtcNow().UtcDateTime);
        var wrong = code[0] == '0' ? "1" + code[1..] : "0" + code[1..];
        var burst = await Task.WhenAll(tokens.Take(4).SelectMany(token => Enumerable.Range(0, 5).Select(_ =>
            api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = token, code = wrong }))));
        var right = await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = tokens[4], code });
        var password = await api.PostAsync("/v1/auth/login", new { tenantId, user.Email, password = user.Password });

        Assert.Equal(5, burst.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(15, burst.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.NotNull(right.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, password.StatusCode);

        app.Clock.Advance(TimeSpan.FromSeconds(1)); // the back-off passes: one more attempt, and a full sign-in resets
        var challenge = await app.LoginAsync(tenantId, user.Email, user.Password);
        await ApiClient.ReadAsync(await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = challenge.GetProperty("mfaToken").GetString(), code = app.NextTotp(user.TotpSecret!) }), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Past_a_long_back_off_the_right_password_opens_the_second_factor_at_once_and_a_wrong_code_still_locks()
    {
        var tenantId = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenantId, [], enrollMfa: true);
        var api = app.Api();
        // Fourteen failures, each after the last one's back-off: the lock is now 512 s, longer than an mfaToken lives.
        for (var failures = 0; failures < 14; failures++)
        {
            if (failures >= 5)
            {
                app.Clock.Advance(TimeSpan.FromSeconds(Math.Pow(2, failures - 5)));
            }

            await Problem.ReadAsync(await api.PostAsync("/v1/auth/login", new { tenantId, user.Email, password = Wrong }), HttpStatusCode.Unauthorized);
        }

        app.Clock.Advance(TimeSpan.FromSeconds(512));
        var code = new Totp(Base32Encoding.ToBytes(user.TotpSecret!)).ComputeTotp(app.Clock.GetUtcNow().UtcDateTime);
        var wrongCode = code[0] == '0' ? "1" + code[1..] : "0" + code[1..];
        var first = await app.LoginAsync(tenantId, user.Email, user.Password);
        var wrong = await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = first.GetProperty("mfaToken").GetString(), code = wrongCode });
        var rightAfterWrong = await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = first.GetProperty("mfaToken").GetString(), code });

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, rightAfterWrong.StatusCode); // the wrong code's own back-off, as before

        app.Clock.Advance(TimeSpan.FromMinutes(15));
        code = new Totp(Base32Encoding.ToBytes(user.TotpSecret!)).ComputeTotp(app.Clock.GetUtcNow().UtcDateTime);
        var second = await app.LoginAsync(tenantId, user.Email, user.Password);
        var verified = await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = second.GetProperty("mfaToken").GetString(), code });

        await ApiClient.ReadAsync(verified, HttpStatusCode.OK);
        var admin = await app.NewUserAsync(tenantId, ["admin"]); // signed in now: the clock has moved past any earlier session
        var listed = (await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenantId}/users", admin.Token), HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Single(u => u.GetProperty("userId").GetString() == user.UserId);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, listed.GetProperty("lockedUntil").ValueKind);
    }

    [Fact]
    public async Task Wrong_current_passwords_on_password_change_count_toward_the_lockout_and_a_locked_account_answers_429()
    {
        var tenantId = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenantId, []);
        var api = app.Api();

        var burst = await Task.WhenAll(Enumerable.Range(0, 25).Select(i =>
            api.PostAsync("/v1/me/password", new { currentPassword = Wrong, newPassword = $"Fresh-Lantern-{i:D2}-x" }, user.Token)));
        var right = await api.PostAsync("/v1/me/password", new { currentPassword = user.Password, newPassword = "Fresh-Lantern-99-x" }, user.Token);
        var signIn = await api.PostAsync("/v1/auth/login", new { tenantId, user.Email, password = user.Password });

        Assert.Equal(5, burst.Count(r => r.StatusCode == HttpStatusCode.BadRequest));
        Assert.Equal(20, burst.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal("1", right.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.TooManyRequests, signIn.StatusCode);
    }
}
