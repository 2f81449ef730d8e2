using System.Net;
using Amazon.DynamoDBv2.Model;
using OtpNet;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Auth;

public sealed class MfaTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task Enrolment_returns_secret_uri_and_qr_code_and_is_active_only_after_a_correct_code()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var api = app.Api();

        var enrol = await ApiClient.ReadAsync(await api.PostAsync("/v1/me/mfa/totp", null, user.Token), HttpStatusCode.OK);
        var secret = enrol.GetProperty("secret").GetString()!;
        var wrong = await api.PostAsync("/v1/me/mfa/totp/confirm", new { code = "000000" }, user.Token);
        var meBefore = await ApiClient.ReadAsync(await api.GetAsync("/v1/me", user.Token), HttpStatusCode.OK);
        var confirm = await ApiClient.ReadAsync(await api.PostAsync("/v1/me/mfa/totp/confirm", new { code = app.NextTotp(secret) }, user.Token), HttpStatusCode.OK);
        var meAfter = await ApiClient.ReadAsync(await api.GetAsync("/v1/me", user.Token), HttpStatusCode.OK);

        Assert.Equal(20, Base32Encoding.ToBytes(secret).Length); // 160-bit secret
        Assert.StartsWith("otpauth://totp/Omakase%20Robo:", enrol.GetProperty("otpauthUri").GetString(), StringComparison.Ordinal);
        Assert.Contains("issuer=Omakase%20Robo", enrol.GetProperty("otpauthUri").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("<svg", enrol.GetProperty("qrCodeSvg").GetString()!.TrimStart().Replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", string.Empty, StringComparison.Ordinal).TrimStart(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.False(meBefore.GetProperty("mfaEnabled").GetBoolean());
        Assert.Equal(10, confirm.GetProperty("recoveryCodes").GetArrayLength());
        Assert.True(meAfter.GetProperty("mfaEnabled").GetBoolean());
    }

    [Fact]
    public async Task The_same_totp_code_sent_twice_in_parallel_is_accepted_exactly_once()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, [], enrollMfa: true);
        var first = await app.LoginAsync(tenant, user.Email, user.Password);
        var second = await app.LoginAsync(tenant, user.Email, user.Password);
        var code = app.NextTotp(user.TotpSecret!);
        var api = app.Api();

        var statuses = await Task.WhenAll(
            api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = first.GetProperty("mfaToken").GetString(), code }),
            api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = second.GetProperty("mfaToken").GetString(), code }));

        Assert.Equal(1, statuses.Count(s => s.StatusCode == HttpStatusCode.OK));
        Assert.Equal(1, statuses.Count(s => s.StatusCode == HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task A_code_one_step_old_is_accepted_and_two_steps_old_is_not()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, [], enrollMfa: true);
        var totp = new Totp(Base32Encoding.ToBytes(user.TotpSecret!));
        var api = app.Api();

        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var stale = totp.ComputeTotp(app.Clock.GetUtcNow().UtcDateTime.AddSeconds(-60));
        var challenge = await app.LoginAsync(tenant, user.Email, user.Password);
        var tooOld = await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = challenge.GetProperty("mfaToken").GetString(), code = stale });
        var previous = totp.ComputeTotp(app.Clock.GetUtcNow().UtcDateTime.AddSeconds(-30));
        var oneStep = await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = challenge.GetProperty("mfaToken").GetString(), code = previous });

        Assert.Equal(HttpStatusCode.Unauthorized, tooOld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, oneStep.StatusCode);
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once_and_never_again()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, [], enrollMfa: true);
        var api = app.Api();

        var first = await app.LoginAsync(tenant, user.Email, user.Password);
        var used = await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = first.GetProperty("mfaToken").GetString(), code = user.RecoveryCodes[0].ToLowerInvariant() });
        var second = await app.LoginAsync(tenant, user.Email, user.Password);
        var reused = await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = second.GetProperty("mfaToken").GetString(), code = user.RecoveryCodes[0] });

        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
    }

    [Fact]
    public async Task An_mfa_token_allows_five_attempts_and_lives_five_minutes()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, [], enrollMfa: true);
        var api = app.Api();
        var challenge = (await app.LoginAsync(tenant, user.Email, user.Password)).GetProperty("mfaToken").GetString();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = challenge, code = "123456" })).StatusCode);
        }

        var sixth = await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = challenge, code = app.NextTotp(user.TotpSecret!) });
        var late = (await app.LoginAsync(tenant, user.Email, user.Password)).GetProperty("mfaToken").GetString();
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var expired = await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = late, code = app.NextTotp(user.TotpSecret!) });

        Assert.Equal(HttpStatusCode.Unauthorized, sixth.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task Nothing_in_the_database_reveals_the_totp_seed_or_the_recovery_codes()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, [], enrollMfa: true);

        using var dynamo = OmakaseApp.Dynamo();
        var item = (await dynamo.GetItemAsync(app.MainTable, new Dictionary<string, AttributeValue> { ["pk"] = new($"TENANT#{tenant}"), ["sk"] = new($"USER#{user.UserId}") })).Item;
        var stored = string.Join('\n', item.Select(a => a.Value.S ?? string.Join(',', a.Value.SS ?? [])));
        var seedHex = Convert.ToHexString(Base32Encoding.ToBytes(user.TotpSecret!));

        Assert.DoesNotContain(user.TotpSecret!, stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(seedHex, stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(Base32Encoding.ToBytes(user.TotpSecret!)), stored, StringComparison.Ordinal);
        Assert.All(user.RecoveryCodes, code => Assert.DoesNotContain(code, stored, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(10, item["recoveryCodes"].SS.Count);
    }

    [Fact]
    public async Task Enrolment_cannot_silently_replace_an_active_seed()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, [], enrollMfa: true);

        var again = await app.Api().PostAsync("/v1/me/mfa/totp", null, user.Token);

        await Problem.ReadAsync(again, HttpStatusCode.Conflict);
    }
}
