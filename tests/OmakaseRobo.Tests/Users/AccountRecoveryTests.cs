using System.Net;
using System.Text.Json;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Users;

/// <summary>Account recovery through HTTP: an operator's password and MFA reset, expiring temporary passwords, new recovery codes.</summary>
public sealed class AccountRecoveryTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task A_password_reset_ends_every_session_clears_the_lockout_and_forces_a_change_at_the_next_sign_in()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var admin = await app.NewUserAsync(tenant, ["admin"], enrollMfa: true);
        var op = await app.OperatorAsync();
        var api = app.Api();
        var path = $"/v1/tenants/{tenant}/users/{user.UserId}/password-reset";
        for (var i = 0; i < 6; i++)
        {
            await api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = user.Email, password = "Wrong-Password-123" });
        }

        // Operators only, with a reason; tenant admins may not, and platform users are out of reach.
        await Problem.ReadAsync(await api.PostAsync(path, new { reason = "forgotten" }, admin.Token), HttpStatusCode.Forbidden);
        var noReason = await Problem.ReadAsync(await api.PostAsync(path, new { }, op.Token), HttpStatusCode.BadRequest);
        Assert.Equal(["reason"], noReason.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        await Problem.ReadAsync(await api.PostAsync($"/v1/tenants/platform/users/{op.UserId}/password-reset", new { reason = "x" }, op.Token), HttpStatusCode.Forbidden);
        await Problem.ReadAsync(await api.PostAsync($"/v1/tenants/{tenant}/users/u_nosuchuser000000000/password-reset", new { reason = "x" }, op.Token), HttpStatusCode.NotFound);

        var reset = await ApiClient.ReadAsync(await api.PostAsync(path, new { reason = "Forgotten password, ticket 4711" }, op.Token), HttpStatusCode.OK);

        var temporary = reset.GetProperty("temporaryPassword").GetString()!;
        Assert.Equal(app.Clock.GetUtcNow().AddHours(72), reset.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/v1/me", user.Token)).StatusCode);
        await app.LoginAsync(tenant, user.Email, user.Password, HttpStatusCode.Unauthorized);
        var signedIn = await app.LoginAsync(tenant, user.Email, temporary); // the lockout is gone with the old password
        Assert.True(signedIn.GetProperty("passwordChangeRequired").GetBoolean());
        var token = signedIn.GetProperty("accessToken").GetString()!;
        await Problem.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users", token), HttpStatusCode.Forbidden);
        await ApiClient.ReadAsync(await api.PostAsync("/v1/me/password", new { currentPassword = temporary, newPassword = "Quiet-Harbour-2026x" }, token), HttpStatusCode.NoContent);
        await app.LoginAsync(tenant, user.Email, "Quiet-Harbour-2026x");

        await app.FlushAuditAsync();
        var events = (await app.StoredEventsAsync(tenant, app.Today())).Select(AuditSteps.Strings).ToList();
        Assert.Contains(events, e => e.Contains("user.password-reset") && e.Contains("ticket 4711") && e.Contains(op.UserId) && e.Contains("success"));
        Assert.DoesNotContain(events, e => e.Contains(temporary, StringComparison.Ordinal));
        Assert.DoesNotContain(temporary, string.Join('\n', app.Logs.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_mfa_reset_for_a_lost_phone_deletes_the_second_factor_and_the_user_enrols_again()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"], enrollMfa: true);
        await app.NewUserAsync(tenant, ["admin"]); // a second admin, so the review flags exactly the reset one
        var op = await app.OperatorAsync();
        var api = app.Api();
        var pending = await app.LoginAsync(tenant, admin.Email, admin.Password);
        await Problem.ReadAsync(await api.PostAsync($"/v1/tenants/{tenant}/users/{admin.UserId}/mfa-reset", new { reason = "x" }, admin.Token), HttpStatusCode.Forbidden);

        var reset = await ApiClient.ReadAsync(
            await api.PostAsync($"/v1/tenants/{tenant}/users/{admin.UserId}/mfa-reset", new { reason = "Lost phone, identity checked by video call" }, op.Token), HttpStatusCode.OK);

        Assert.False(reset.GetProperty("mfaEnabled").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/v1/me", admin.Token)).StatusCode);
        var verify = await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = pending.GetProperty("mfaToken").GetString(), code = admin.RecoveryCodes[0] });
        Assert.Equal(HttpStatusCode.Unauthorized, verify.StatusCode);
        var stored = await app.StoredUserAsync(tenant, admin.UserId);
        Assert.DoesNotContain("totpSecret", stored.Keys);
        Assert.DoesNotContain("recoveryCodes", stored.Keys);
        var review = await ReviewedAsync(admin.UserId) ?? [];
        Assert.Contains("mfa-reset-pending", review);

        // The password alone now signs in, to a session that reaches only the enrolment until MFA is on again.
        var login = await app.LoginAsync(tenant, admin.Email, admin.Password);
        Assert.False(login.TryGetProperty("mfaRequired", out _));
        Assert.True(login.GetProperty("mfaEnrollmentRequired").GetBoolean());
        var token = login.GetProperty("accessToken").GetString()!;
        await Problem.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users", token), HttpStatusCode.Forbidden);
        var me = await ApiClient.ReadAsync(await api.GetAsync("/v1/me", token), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, me.GetProperty("recoveryCodesRemaining").ValueKind);
        var secret = (await ApiClient.ReadAsync(await api.PostAsync("/v1/me/mfa/totp", null, token), HttpStatusCode.OK)).GetProperty("secret").GetString()!;
        Assert.NotEqual(admin.TotpSecret, secret);
        await ApiClient.ReadAsync(await api.PostAsync("/v1/me/mfa/totp/confirm", new { code = app.NextTotp(secret) }, token), HttpStatusCode.OK);
        await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users", token), HttpStatusCode.OK);
        Assert.DoesNotContain("mfa-reset-pending", await ReviewedAsync(admin.UserId) ?? []);
        await app.SignInWithMfaAsync(admin with { TotpSecret = secret });

        await app.FlushAuditAsync();
        var events = (await app.StoredEventsAsync(tenant, app.Today())).Select(AuditSteps.Strings).ToList();
        Assert.Contains(events, e => e.Contains("user.mfa-reset") && e.Contains("video call") && e.Contains(op.UserId));
    }

    [Fact]
    public async Task New_recovery_codes_need_a_current_totp_code_and_kill_every_older_one()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, [], enrollMfa: true);
        var plain = await app.NewUserAsync(tenant, []);
        var api = app.Api();
        var me = await ApiClient.ReadAsync(await api.GetAsync("/v1/me", user.Token), HttpStatusCode.OK);
        Assert.Equal(10, me.GetProperty("recoveryCodesRemaining").GetInt32());
        var plainMe = await ApiClient.ReadAsync(await api.GetAsync("/v1/me", plain.Token), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, plainMe.GetProperty("recoveryCodesRemaining").ValueKind);

        // Signing in with a recovery code spends it.
        var challenge = await app.LoginAsync(tenant, user.Email, user.Password);
        var session = await ApiClient.ReadAsync(
            await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = challenge.GetProperty("mfaToken").GetString(), code = user.RecoveryCodes[0] }), HttpStatusCode.OK);
        var token = session.GetProperty("accessToken").GetString()!;
        Assert.Equal(9, (await ApiClient.ReadAsync(await api.GetAsync("/v1/me", token), HttpStatusCode.OK)).GetProperty("recoveryCodesRemaining").GetInt32());

        await Problem.ReadAsync(await api.PostAsync("/v1/me/mfa/recovery-codes", new { }, token), HttpStatusCode.BadRequest);
        await Problem.ReadAsync(await api.PostAsync("/v1/me/mfa/recovery-codes", new { code = "000000" }, token), HttpStatusCode.BadRequest);
        await Problem.ReadAsync(await api.PostAsync("/v1/me/mfa/recovery-codes", new { code = user.RecoveryCodes[1] }, token), HttpStatusCode.BadRequest);
        await Problem.ReadAsync(await api.PostAsync("/v1/me/mfa/recovery-codes", new { code = "123456" }, plain.Token), HttpStatusCode.Conflict);
        var code = app.NextTotp(user.TotpSecret!);
        var renewed = await ApiClient.ReadAsync(await api.PostAsync("/v1/me/mfa/recovery-codes", new { code }, token), HttpStatusCode.OK);
        var codes = renewed.GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();

        Assert.Equal(10, codes.Distinct().Count());
        Assert.Empty(codes.Intersect(user.RecoveryCodes));
        await Problem.ReadAsync(await api.PostAsync("/v1/me/mfa/recovery-codes", new { code }, token), HttpStatusCode.BadRequest); // the step is spent
        Assert.Equal(10, (await ApiClient.ReadAsync(await api.GetAsync("/v1/me", token), HttpStatusCode.OK)).GetProperty("recoveryCodesRemaining").GetInt32());
        var fresh = await app.LoginAsync(tenant, user.Email, user.Password);
        await ApiClient.ReadAsync(await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = fresh.GetProperty("mfaToken").GetString(), code = codes[0] }), HttpStatusCode.OK);
        var old = await app.LoginAsync(tenant, user.Email, user.Password);
        var refused = await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = old.GetProperty("mfaToken").GetString(), code = user.RecoveryCodes[1] });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        await app.FlushAuditAsync();
        var events = (await app.StoredEventsAsync(tenant, app.Today())).Select(AuditSteps.Strings).ToList();
        Assert.Contains(events, e => e.Contains("mfa.recovery-codes.renew") && e.Contains("success"));
        Assert.Contains(events, e => e.Contains("mfa.recovery-codes.renew") && e.Contains("failure"));
        Assert.DoesNotContain(events, e => codes.Any(c => e.Contains(c, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_session_that_must_change_its_password_may_still_renew_the_recovery_codes_with_a_totp_code()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, [], enrollMfa: true);
        var op = await app.OperatorAsync();
        var api = app.Api();
        var reset = await ApiClient.ReadAsync(
            await api.PostAsync($"/v1/tenants/{tenant}/users/{user.UserId}/password-reset", new { reason = "forgotten, ticket 4712" }, op.Token), HttpStatusCode.OK);
        var challenge = await app.LoginAsync(tenant, user.Email, reset.GetProperty("temporaryPassword").GetString()!);
        var session = await ApiClient.ReadAsync(
            await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = challenge.GetProperty("mfaToken").GetString(), code = app.NextTotp(user.TotpSecret!) }), HttpStatusCode.OK);
        var token = session.GetProperty("accessToken").GetString()!;
        Assert.True(session.GetProperty("passwordChangeRequired").GetBoolean());
        await Problem.ReadAsync(await api.GetAsync("/v1/me/sessions", token), HttpStatusCode.Forbidden);

        // /v1/me/mfa/* stays open to a restricted session: renewing the codes needs the phone, not the password.
        var renewed = await ApiClient.ReadAsync(await api.PostAsync("/v1/me/mfa/recovery-codes", new { code = app.NextTotp(user.TotpSecret!) }, token), HttpStatusCode.OK);
        Assert.Equal(10, renewed.GetProperty("recoveryCodes").GetArrayLength());
    }

    [Fact]
    public async Task Wrong_codes_for_new_recovery_codes_count_towards_the_lockout()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, [], enrollMfa: true);
        var api = app.Api();
        var token = await app.SignInWithMfaAsync(user);
        for (var i = 0; i < 5; i++)
        {
            await Problem.ReadAsync(await api.PostAsync("/v1/me/mfa/recovery-codes", new { code = "000000" }, token), HttpStatusCode.BadRequest);
        }

        Assert.Equal((HttpStatusCode)429, (await api.PostAsync("/v1/me/mfa/recovery-codes", new { code = "000000" }, token)).StatusCode);
        Assert.Equal((HttpStatusCode)429, (await api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = user.Email, password = user.Password })).StatusCode);
    }

    [Fact]
    public async Task The_review_lists_a_suspended_admin()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"], enrollMfa: true);
        await app.NewUserAsync(tenant, ["admin"], enrollMfa: true);
        var op = await app.OperatorAsync();
        await ApiClient.ReadAsync(
            await app.Api().PutAsync($"/v1/tenants/{tenant}/users/{admin.UserId}/status", new { status = "suspended", reason = "on leave" }, op.Token), HttpStatusCode.OK);

        Assert.Equal(["suspended"], await ReviewedAsync(admin.UserId));
    }

    [Fact]
    public async Task The_review_leaves_out_the_admins_of_a_terminated_tenant()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        Assert.NotNull(await ReviewedAsync(admin.UserId));
        var op = await app.OperatorAsync();

        await ApiClient.ReadAsync(await app.Api().PostAsync($"/v1/tenants/{tenant}/termination", null, op.Token), HttpStatusCode.Accepted);

        Assert.Null(await ReviewedAsync(admin.UserId));
    }

    /// <summary>The user's flags in the access review; null when the review does not list the user.</summary>
    private async Task<List<string>?> ReviewedAsync(string userId)
    {
        var token = (await app.OperatorAsync()).Token;
        var review = await ApiClient.ReadAsync(await app.Api().GetAsync("/v1/access-reviews/privileged", token), HttpStatusCode.OK);
        return review.GetProperty("accounts").EnumerateArray().Where(a => a.GetProperty("userId").GetString() == userId).ToList() is [var account]
            ? [.. account.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!)]
            : null;
    }
}
