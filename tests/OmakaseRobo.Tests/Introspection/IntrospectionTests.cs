using System.Net;
using System.Text.Json;
using OmakaseRobo.Tests.Infrastructure;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Tests.Introspection;

/// <summary>POST /oauth2/introspect as a product service calls it: who a token is, what it may do, or active:false.</summary>
public sealed class IntrospectionTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task A_live_session_answers_who_it_is_and_what_it_may_do()
    {
        var client = await app.CreateServiceClientAsync();
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"], enrollMfa: true);
        await ApiClient.ReadAsync(await app.Api().PutAsync($"/v1/tenants/{tenant}/roles/viewer", new { permissions = new[] { "users:read", "audit:read" } }, admin.Token), HttpStatusCode.OK);
        var user = await app.NewUserAsync(tenant, ["viewer"]);
        var session = (await ApiClient.ReadAsync(await app.Api().GetAsync("/v1/me/sessions", user.Token), HttpStatusCode.OK)).GetProperty("items")[0];

        var answer = await app.IntrospectActiveAsync(client, user.Token);

        Assert.Equal(["active", "token_type", "sub", "tenant_id", "roles", "permissions", "session_id", "amr", "iat", "exp"], answer.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Bearer", answer.GetProperty("token_type").GetString());
        Assert.Equal(user.UserId, answer.GetProperty("sub").GetString());
        Assert.Equal(tenant, answer.GetProperty("tenant_id").GetString());
        Assert.Equal(["viewer"], answer.Strings("roles"));
        Assert.Equal(["audit:read", "users:read"], answer.Strings("permissions"));
        Assert.Equal(session.GetProperty("sessionId").GetString(), answer.GetProperty("session_id").GetString());
        Assert.Equal(["pwd"], answer.Strings("amr"));
        Assert.Equal(session.GetProperty("createdAt").GetDateTimeOffset().ToUnixTimeSeconds(), answer.GetProperty("iat").GetInt64());
        Assert.Equal(session.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeSeconds(), answer.GetProperty("exp").GetInt64());
    }

    [Fact]
    public async Task A_session_that_passed_totp_says_otp_in_amr()
    {
        var client = await app.CreateServiceClientAsync();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, [], enrollMfa: true);

        var withTotp = await app.SignInWithMfaAsync(user);

        Assert.Equal(["pwd", "otp"], (await app.IntrospectActiveAsync(client, withTotp)).Strings("amr"));
        Assert.Equal(["pwd"], (await app.IntrospectActiveAsync(client, user.Token)).Strings("amr")); // signed in before enrolling
    }

    [Fact]
    public async Task Exp_is_the_idle_expiry_and_then_the_absolute_one_whichever_comes_first()
    {
        var client = await app.CreateServiceClientAsync();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var iat = (await app.IntrospectActiveAsync(client, user.Token)).GetProperty("iat").GetInt64();

        for (var hours = 0; hours < 12 * 3; hours++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, (await app.Api().GetAsync("/v1/me", user.Token)).StatusCode);
            var exp = (await app.IntrospectActiveAsync(client, user.Token)).GetProperty("exp").GetInt64();
            var idle = app.Clock.GetUtcNow().AddMinutes(30).ToUnixTimeSeconds();
            Assert.Equal(Math.Min(idle, iat + (12 * 3600)), exp);
            if (idle > iat + (12 * 3600))
            {
                break;
            }
        }
    }

    [Fact]
    public async Task Every_token_that_is_not_a_live_unrestricted_session_answers_only_active_false()
    {
        var client = await app.CreateServiceClientAsync();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync(requireMfaForAdmins: true);
        var api = app.Api();
        var live = await app.NewUserAsync(tenant, []);
        var loggedOut = await app.NewUserAsync(tenant, []);
        await ApiClient.ReadAsync(await api.PostAsync("/v1/auth/logout", null, loggedOut.Token), HttpStatusCode.NoContent);
        var (_, email, temporary) = await app.CreateUserAsync(tenant);
        var mustChangePassword = (await app.LoginAsync(tenant, email, temporary)).GetProperty("accessToken").GetString()!;
        var (_, adminEmail, adminTemporary) = await app.CreateUserAsync(tenant, "admin");
        var adminToken = (await app.LoginAsync(tenant, adminEmail, adminTemporary)).GetProperty("accessToken").GetString()!;
        await ApiClient.ReadAsync(await api.PostAsync("/v1/me/password", new { currentPassword = adminTemporary, newPassword = Scenario.NewPassword }, adminToken), HttpStatusCode.NoContent);
        var withMfa = await app.NewUserAsync(tenant, [], enrollMfa: true);
        var mfaToken = (await app.LoginAsync(tenant, withMfa.Email, withMfa.Password)).GetProperty("mfaToken").GetString()!;
        var deleted = await app.NewUserAsync(tenant, []);
        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/tenants/{tenant}/users/{deleted.UserId}", op.Token), HttpStatusCode.NoContent);
        var gone = await app.CreateTenantAsync();
        var ofTerminated = await app.NewUserAsync(gone, []);
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/tenants/{gone}/termination", null, op.Token), HttpStatusCode.Accepted);
        var parts = live.Token.Split('.');
        var forged = $"{tenant}.{withMfa.UserId}.{parts[2]}";

        var cases = new Dictionary<string, string>
        {
            ["logged out"] = loggedOut.Token,
            ["password change pending"] = mustChangePassword,
            ["mfa enrolment pending"] = adminToken,
            ["an mfaToken"] = mfaToken,
            ["deleted user"] = deleted.Token,
            ["terminated tenant"] = ofTerminated.Token,
            ["someone else's ids"] = forged,
            ["garbage"] = "not-a-token",
            ["well-formed but unknown"] = $"{tenant}.{live.UserId}.{new string('A', 43)}",
            ["very long"] = new string('x', 4000),
        };

        foreach (var (name, token) in cases)
        {
            Assert.True(await app.IntrospectTextAsync(client, token) == IntegrationSteps.Inactive, name);
        }

        await app.IntrospectActiveAsync(client, live.Token);
    }

    [Fact]
    public async Task An_idle_or_an_old_session_is_inactive_and_introspection_never_slides_the_idle_timeout()
    {
        var client = await app.CreateServiceClientAsync();
        var tenant = await app.CreateTenantAsync();
        var idle = await app.NewUserAsync(tenant, []);

        app.Clock.Advance(TimeSpan.FromMinutes(20));
        await app.IntrospectActiveAsync(client, idle.Token);
        app.Clock.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal(IntegrationSteps.Inactive, await app.IntrospectTextAsync(client, idle.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Api().GetAsync("/v1/me", idle.Token)).StatusCode);

        var busy = await app.NewUserAsync(tenant, []);
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(12); elapsed += TimeSpan.FromMinutes(20))
        {
            await app.Api().GetAsync("/v1/me", busy.Token);
            app.Clock.Advance(TimeSpan.FromMinutes(20));
        }

        Assert.Equal(IntegrationSteps.Inactive, await app.IntrospectTextAsync(client, busy.Token));
    }

    [Fact]
    public async Task A_missing_token_is_a_bad_request_for_a_known_client_only()
    {
        var client = await app.CreateServiceClientAsync();

        var missing = await Problem.ReadAsync(await app.IntrospectAsync(client, null), HttpStatusCode.BadRequest);
        var unknown = await app.IntrospectWithAsync(IntegrationSteps.Basic(client.ClientId, "wrong"), []);

        Assert.True(missing.Body.GetProperty("errors").TryGetProperty("token", out _));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [Fact]
    public async Task The_answer_is_never_cached_by_anyone_in_between()
    {
        var client = await app.CreateServiceClientAsync();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);

        var response = await app.IntrospectAsync(client, user.Token);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Each_call_is_an_access_record_of_the_platform_naming_the_client_and_never_the_token()
    {
        var client = await app.CreateServiceClientAsync();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        await app.IntrospectActiveAsync(client, user.Token);
        await app.FlushAuditAsync();

        var platform = await app.StoredEventsAsync("platform", app.Today());
        var record = platform.Last(e => e["action"].S == "http.request" && e["target"].S == "/oauth2/introspect");
        var everything = JsonSerializer.Serialize(platform.Select(e => string.Join('|', e.Values.Select(v => v.S ?? v.N ?? string.Join(',', v.M?.Select(m => m.Value.S) ?? [])))));

        Assert.Equal(client.ClientId, record["actorId"].S);
        Assert.Equal(client.ClientId, record["details"].M["serviceClientId"].S);
        Assert.Equal("200", record["details"].M["status"].S);
        Assert.DoesNotContain(user.Token.Split('.')[2], everything, StringComparison.Ordinal);
        Assert.DoesNotContain(client.Secret, everything, StringComparison.Ordinal);
    }
}
