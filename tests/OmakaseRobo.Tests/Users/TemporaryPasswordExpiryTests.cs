using System.Net;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Users;

/// <summary>A temporary password signs in until Omakase:Security:TemporaryPasswordLifetime has passed, then answers like a wrong one.</summary>
public sealed class TemporaryPasswordExpiryTests
{
    [Fact]
    public async Task An_expired_temporary_password_answers_the_same_401_and_the_operator_issues_a_new_one()
    {
        using var app = new OmakaseApp();
        app.Settings["Omakase:Security:TemporaryPasswordLifetime"] = "02:00:00";
        var tenant = await app.CreateTenantAsync();
        var (_, earlyEmail, earlyPassword) = await app.CreateUserAsync(tenant);
        var (late, lateEmail, latePassword) = await app.CreateUserAsync(tenant);
        var api = app.Api();

        app.Clock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        await app.LoginAsync(tenant, earlyEmail, earlyPassword); // still valid a second before the end
        app.Clock.Advance(TimeSpan.FromSeconds(1));

        var expired = await Problem.ReadAsync(await api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = lateEmail, password = latePassword }), HttpStatusCode.Unauthorized);
        var wrong = await Problem.ReadAsync(await api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = lateEmail, password = "Wrong-Password-123" }), HttpStatusCode.Unauthorized);
        Assert.Equal(wrong.Type, expired.Type);
        Assert.Equal(wrong.Title, expired.Title);
        Assert.Equal(wrong.Body.EnumerateObject().Select(p => p.Name).Order(), expired.Body.EnumerateObject().Select(p => p.Name).Order());
        await app.LoginAsync(tenant, earlyEmail, earlyPassword, HttpStatusCode.Unauthorized);

        // A password the user chose never expires; the operator's reset gives the other one a new temporary password.
        var token = (await app.OperatorAsync()).Token;
        var reset = await ApiClient.ReadAsync(
            await api.PostAsync($"/v1/tenants/{tenant}/users/{late}/password-reset", new { reason = "first password expired" }, token), HttpStatusCode.OK);
        Assert.Equal(app.Clock.GetUtcNow().AddHours(2), reset.GetProperty("expiresAt").GetDateTimeOffset());
        var user = await Scenario.FirstSignInAsync(app, tenant, lateEmail, reset.GetProperty("temporaryPassword").GetString()!, mustEnrollMfa: false);
        app.Clock.Advance(TimeSpan.FromDays(10));
        await app.LoginAsync(tenant, user.Email, user.Password);

        await app.FlushAuditAsync();
        var signIns = (await app.StoredEventsAsync(tenant, app.Today().AddDays(-10)))
            .Where(e => e["action"].S == "sign-in" && e.GetValueOrDefault("target")?.S == late).Select(e => e["outcome"].S).ToList();
        Assert.Equal(["temporary-password-expired", "failure", "success"], signIns);
    }

    /// <summary>
    /// A session opened with a temporary password is good only for changing it: it ends when that password expires, even
    /// within its own idle and absolute limits, so a password intercepted in transit cannot be turned into a chosen one later.
    /// </summary>
    [Fact]
    public async Task A_session_opened_with_a_temporary_password_ends_when_that_password_expires()
    {
        using var app = new OmakaseApp();
        app.Settings["Omakase:Security:TemporaryPasswordLifetime"] = "02:00:00";
        var tenant = await app.CreateTenantAsync();
        var (userId, email, temporary) = await app.CreateUserAsync(tenant);
        var expiresAt = app.Clock.GetUtcNow().AddHours(2);
        var api = app.Api();

        app.Clock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromMinutes(10));
        var session = await app.LoginAsync(tenant, email, temporary);
        Assert.Equal(expiresAt, session.GetProperty("expiresAt").GetDateTimeOffset()); // not the end of the 30 idle minutes
        var token = session.GetProperty("accessToken").GetString()!;
        await ApiClient.ReadAsync(await api.GetAsync("/v1/me", token), HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromMinutes(10)); // the session's own limits: 30 minutes idle, 12 hours in all

        await Problem.ReadAsync(await api.GetAsync("/v1/me", token), HttpStatusCode.Unauthorized);
        await Problem.ReadAsync(
            await api.PostAsync("/v1/me/password", new { currentPassword = temporary, newPassword = Scenario.NewPassword }, token), HttpStatusCode.Unauthorized);
        using var dynamo = OmakaseApp.Dynamo();
        var stored = (await dynamo.GetItemAsync(app.MainTable, new Dictionary<string, AttributeValue> { ["pk"] = new($"TENANT#{tenant}"), ["sk"] = new($"USER#{userId}") })).Item;
        Assert.True(stored["passwordChangeRequired"].BOOL); // the expired password was not changed through the old session
    }
}
