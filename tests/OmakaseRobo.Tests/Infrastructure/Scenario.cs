using System.Net;
using System.Text.Json;
using OtpNet;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>A signed-in user as a test holds them: the token, and the TOTP secret when enrolled.</summary>
public sealed record SignedIn(string TenantId, string UserId, string Email, string Password, string Token, string? TotpSecret, IReadOnlyList<string> RecoveryCodes);

/// <summary>The steps every story starts with, done through the API as a person would.</summary>
public static class Scenario
{
    public const string NewPassword = "Harbour-Lantern-7Qz";

    public static ApiClient Api(this OmakaseApp app) => new(app.CreateClient());

    /// <summary>The current TOTP code; the clock moves one step first so no step is ever used twice by accident.</summary>
    public static string NextTotp(this OmakaseApp app, string secret)
    {
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        return new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(app.Clock.GetUtcNow().UtcDateTime);
    }

    public static async Task<JsonElement> LoginAsync(this OmakaseApp app, string tenantId, string email, string password, HttpStatusCode expected = HttpStatusCode.OK) =>
        await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/auth/login", new { tenantId, email, password }), expected);

    /// <summary>The bootstrap operator, through first sign-in, password change and MFA enrolment; once per app.</summary>
    public static async Task<SignedIn> OperatorAsync(this OmakaseApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.OperatorGate.WaitAsync();
        try
        {
            if (app.Operator is null)
            {
                app.Operator = await FirstSignInAsync(app, "platform", TestUsers.OperatorEmail, TestUsers.OperatorPassword, mustEnrollMfa: true);
            }
            else if ((await app.Api().GetAsync("/v1/me", app.Operator.Token)).StatusCode == HttpStatusCode.Unauthorized)
            {
                // A test moved the clock past the session's life: sign in again, as the operator would.
                app.Operator = app.Operator with { Token = await app.SignInWithMfaAsync(app.Operator) };
            }

            return app.Operator;
        }
        finally
        {
            app.OperatorGate.Release();
        }
    }

    /// <summary>Password, then the next TOTP code: the access token.</summary>
    public static async Task<string> SignInWithMfaAsync(this OmakaseApp app, SignedIn user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var challenge = await app.LoginAsync(user.TenantId, user.Email, user.Password);
        var session = await ApiClient.ReadAsync(
            await app.Api().PostAsync("/v1/auth/mfa/verify", new { mfaToken = challenge.GetProperty("mfaToken").GetString(), code = app.NextTotp(user.TotpSecret!) }),
            HttpStatusCode.OK);
        return session.GetProperty("accessToken").GetString()!;
    }

    public static async Task<string> CreateTenantAsync(this OmakaseApp app, int adminLimit = 3, bool requireMfaForAdmins = true)
    {
        var op = await app.OperatorAsync();
        var body = await ApiClient.ReadAsync(
            await app.Api().PostAsync("/v1/tenants", new { name = "Tenant " + Guid.NewGuid().ToString("N")[..6], adminLimit, requireMfaForAdmins }, op.Token),
            HttpStatusCode.Created);
        return body.GetProperty("tenantId").GetString()!;
    }

    public static async Task<(string UserId, string Email, string TemporaryPassword)> CreateUserAsync(this OmakaseApp app, string tenantId, params string[] roles)
    {
        var op = await app.OperatorAsync();
        var email = $"user-{Guid.NewGuid():N}"[..17] + "@customer.example";
        var body = await ApiClient.ReadAsync(
            await app.Api().PostAsync($"/v1/tenants/{tenantId}/users", new { email, displayName = "Test User", roles }, op.Token),
            HttpStatusCode.Created);
        return (body.GetProperty("userId").GetString()!, email, body.GetProperty("temporaryPassword").GetString()!);
    }

    /// <summary>A new user of the tenant, signed in with full access (password changed; MFA enrolled where required or asked).</summary>
    public static async Task<SignedIn> NewUserAsync(this OmakaseApp app, string tenantId, string[] roles, bool enrollMfa = false)
    {
        var (_, email, temporary) = await app.CreateUserAsync(tenantId, roles);
        return await FirstSignInAsync(app, tenantId, email, temporary, enrollMfa);
    }

    public static async Task<SignedIn> FirstSignInAsync(OmakaseApp app, string tenantId, string email, string temporaryPassword, bool mustEnrollMfa)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.Api();
        var login = await app.LoginAsync(tenantId, email, temporaryPassword);
        var token = login.GetProperty("accessToken").GetString()!;
        Assert.True(login.GetProperty("passwordChangeRequired").GetBoolean());
        await ApiClient.ReadAsync(
            await api.PostAsync("/v1/me/password", new { currentPassword = temporaryPassword, newPassword = NewPassword }, token),
            HttpStatusCode.NoContent);
        string? secret = null;
        IReadOnlyList<string> codes = [];
        if (mustEnrollMfa || login.GetProperty("mfaEnrollmentRequired").GetBoolean())
        {
            var enrol = await ApiClient.ReadAsync(await api.PostAsync("/v1/me/mfa/totp", null, token), HttpStatusCode.OK);
            secret = enrol.GetProperty("secret").GetString()!;
            var confirmed = await ApiClient.ReadAsync(
                await api.PostAsync("/v1/me/mfa/totp/confirm", new { code = app.NextTotp(secret) }, token), HttpStatusCode.OK);
            codes = [.. confirmed.GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!)];
        }

        var me = await ApiClient.ReadAsync(await api.GetAsync("/v1/me", token), HttpStatusCode.OK);
        return new SignedIn(tenantId, me.GetProperty("userId").GetString()!, email, NewPassword, token, secret, codes);
    }
}
