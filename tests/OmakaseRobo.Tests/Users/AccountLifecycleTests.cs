using System.Net;
using System.Text.Json;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Users;

/// <summary>Issue 14 through HTTP: suspension and reactivation, unlock, another user's sessions.</summary>
public sealed class AccountLifecycleTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task Suspension_kills_sessions_and_challenges_at_once_and_reactivation_restores_sign_in()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, [], enrollMfa: true);
        var op = await app.OperatorAsync();
        var api = app.Api();
        var pending = await app.LoginAsync(tenant, user.Email, user.Password);

        var suspended = await ApiClient.ReadAsync(
            await api.PutAsync($"/v1/tenants/{tenant}/users/{user.UserId}/status", new { status = "suspended", reason = "compromised laptop" }, op.Token), HttpStatusCode.OK);

        Assert.Equal("suspended", suspended.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/v1/me", user.Token)).StatusCode);
        var verify = await api.PostAsync("/v1/auth/mfa/verify", new { mfaToken = pending.GetProperty("mfaToken").GetString(), code = app.NextTotp(user.TotpSecret!) });
        Assert.Equal(HttpStatusCode.Unauthorized, verify.StatusCode);
        var refused = await Problem.ReadAsync(await api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = user.Email, password = user.Password }), HttpStatusCode.Unauthorized);
        var wrong = await Problem.ReadAsync(await api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = user.Email, password = "Wrong-Password-123" }), HttpStatusCode.Unauthorized);
        Assert.Equal(wrong.Type, refused.Type);
        Assert.Equal(wrong.Title, refused.Title);
        var list = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users", op.Token), HttpStatusCode.OK);
        var listed = list.GetProperty("items").EnumerateArray().Single(u => u.GetProperty("userId").GetString() == user.UserId);
        Assert.Equal("suspended", listed.GetProperty("status").GetString());
        Assert.True(listed.GetProperty("mfaEnabled").GetBoolean());
        Assert.True(listed.TryGetProperty("lockedUntil", out _));

        await ApiClient.ReadAsync(
            await api.PutAsync($"/v1/tenants/{tenant}/users/{user.UserId}/status", new { status = "active", reason = "laptop wiped" }, op.Token), HttpStatusCode.OK);
        await app.SignInWithMfaAsync(user);

        await app.FlushAuditAsync();
        var actions = (await app.StoredEventsAsync(tenant, app.Today())).Select(AuditSteps.Strings).ToList();
        Assert.Contains(actions, s => s.Contains("user.suspend") && s.Contains("compromised laptop") && s.Contains(user.UserId) && s.Contains(op.UserId));
        Assert.Contains(actions, s => s.Contains("user.reactivate") && s.Contains("laptop wiped"));
    }

    [Fact]
    public async Task A_tenant_admin_suspends_in_their_tenant_but_never_themselves_nor_the_last_active_admin()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var member = await app.NewUserAsync(tenant, []);
        var api = app.Api();
        var path = $"/v1/tenants/{tenant}/users";

        await ApiClient.ReadAsync(await api.PutAsync($"{path}/{member.UserId}/status", new { status = "suspended", reason = "left" }, admin.Token), HttpStatusCode.OK);
        await Problem.ReadAsync(await api.PutAsync($"{path}/{admin.UserId}/status", new { status = "suspended", reason = "me" }, admin.Token), HttpStatusCode.Conflict);
        var bad = await Problem.ReadAsync(await api.PutAsync($"{path}/{member.UserId}/status", new { status = "gone" }, admin.Token), HttpStatusCode.BadRequest);
        Assert.Equal(["reason", "status"], bad.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        var noBody = await Problem.ReadAsync(await api.PutAsync($"{path}/{member.UserId}/status", null, admin.Token), HttpStatusCode.BadRequest);
        Assert.Equal(["reason", "status"], noBody.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());

        // The only admin, suspended by an operator: refused, the tenant would have no active admin.
        var op = await app.OperatorAsync();
        await Problem.ReadAsync(await api.PutAsync($"{path}/{admin.UserId}/status", new { status = "suspended", reason = "test" }, op.Token), HttpStatusCode.Conflict);
        var second = await app.NewUserAsync(tenant, ["admin"]);
        await ApiClient.ReadAsync(await api.PutAsync($"{path}/{admin.UserId}/status", new { status = "suspended", reason = "test" }, op.Token), HttpStatusCode.OK);
        await Problem.ReadAsync(await api.PutAsync($"{path}/{second.UserId}/status", new { status = "suspended", reason = "test" }, op.Token), HttpStatusCode.Conflict);

        // Platform users are out of reach of everyone here.
        await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/platform/users/{op.UserId}/status", new { status = "suspended", reason = "x" }, second.Token), HttpStatusCode.NotFound);
        await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/platform/users/{op.UserId}/status", new { status = "suspended", reason = "x" }, op.Token), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Unlock_ends_a_brute_force_lockout()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var api = app.Api();
        for (var i = 0; i < 6; i++)
        {
            await api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = user.Email, password = "Wrong-Password-123" });
        }

        Assert.Equal((HttpStatusCode)429, (await api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = user.Email, password = user.Password })).StatusCode);
        var unlocked = await ApiClient.ReadAsync(await api.PostAsync($"/v1/tenants/{tenant}/users/{user.UserId}/unlock", null, admin.Token), HttpStatusCode.OK);

        Assert.Equal(System.Text.Json.JsonValueKind.Null, unlocked.GetProperty("lockedUntil").ValueKind);
        await app.LoginAsync(tenant, user.Email, user.Password);
    }

    [Fact]
    public async Task A_lock_that_ran_out_is_listed_as_none_and_every_request_is_on_the_record_even_one_that_changes_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var api = app.Api();
        for (var i = 0; i < 5; i++)
        {
            await api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = user.Email, password = "Wrong-Password-123" });
        }

        JsonElement Listed(JsonElement list) => list.GetProperty("items").EnumerateArray().Single(u => u.GetProperty("userId").GetString() == user.UserId);
        var locked = Listed(await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users", admin.Token), HttpStatusCode.OK));
        Assert.Equal(app.Clock.GetUtcNow().AddSeconds(1), locked.GetProperty("lockedUntil").GetDateTimeOffset());
        app.Clock.Advance(TimeSpan.FromSeconds(2));
        var ranOut = Listed(await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users", admin.Token), HttpStatusCode.OK));
        Assert.Equal(JsonValueKind.Null, ranOut.GetProperty("lockedUntil").ValueKind);

        var path = $"/v1/tenants/{tenant}/users";
        await ApiClient.ReadAsync(await api.PutAsync($"{path}/{user.UserId}/status", new { status = "active", reason = "already active" }, admin.Token), HttpStatusCode.OK);
        await Problem.ReadAsync(await api.PutAsync($"{path}/{admin.UserId}/status", new { status = "suspended", reason = "myself" }, admin.Token), HttpStatusCode.Conflict);

        await app.FlushAuditAsync();
        var records = (await app.StoredEventsAsync(tenant, app.Today())).Select(AuditSteps.Strings).ToList();
        Assert.Contains(records, r => r.Contains("user.reactivate") && r.Contains("unchanged") && r.Contains("already active"));
        Assert.Contains(records, r => r.Contains("user.suspend") && r.Contains("refused") && r.Contains("myself") && r.Contains(admin.UserId));
    }

    [Fact]
    public async Task A_created_user_is_read_at_its_location_by_its_tenant_and_operators_only()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var stranger = await app.NewUserAsync(await app.CreateTenantAsync(), ["admin"]);
        var op = await app.OperatorAsync();
        var api = app.Api();

        var created = await api.PostAsync($"/v1/tenants/{tenant}/users", new { email = $"kenji-{Guid.NewGuid():N}@customer.example", displayName = "Kenji", roles = Array.Empty<string>() }, op.Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.ToString();

        var read = await ApiClient.ReadAsync(await api.GetAsync(location, admin.Token), HttpStatusCode.OK);
        Assert.Equal("Kenji", read.GetProperty("displayName").GetString());
        Assert.Equal("active", read.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, read.GetProperty("lockedUntil").ValueKind);
        await ApiClient.ReadAsync(await api.GetAsync(location, op.Token), HttpStatusCode.OK);
        await Problem.ReadAsync(await api.GetAsync(location, stranger.Token), HttpStatusCode.NotFound);
        await Problem.ReadAsync(await api.GetAsync($"/v1/tenants/{stranger.TenantId}/users/{read.GetProperty("userId").GetString()}", stranger.Token), HttpStatusCode.NotFound);

        await ApiClient.ReadAsync(await api.DeleteAsync(location, op.Token), HttpStatusCode.NoContent);
        await Problem.ReadAsync(await api.GetAsync(location, admin.Token), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_admin_lists_a_users_sessions_and_ends_them_all()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var api = app.Api();
        var second = (await app.LoginAsync(tenant, user.Email, user.Password)).GetProperty("accessToken").GetString()!;

        var sessions = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users/{user.UserId}/sessions", admin.Token), HttpStatusCode.OK);
        var items = sessions.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, s =>
        {
            Assert.True(s.TryGetProperty("createdAt", out _));
            Assert.True(s.TryGetProperty("lastSeenAt", out _));
            Assert.True(s.TryGetProperty("sourceIp", out _));
            Assert.True(s.TryGetProperty("userAgent", out _));
        });

        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/tenants/{tenant}/users/{user.UserId}/sessions", admin.Token), HttpStatusCode.NoContent);

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/v1/me", user.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/v1/me", second)).StatusCode);
        var after = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users/{user.UserId}/sessions", admin.Token), HttpStatusCode.OK);
        Assert.Empty(after.GetProperty("items").EnumerateArray());
        await app.LoginAsync(tenant, user.Email, user.Password);
    }

    [Fact]
    public async Task A_helper_with_users_manage_acts_on_members_but_never_on_an_admin()
    {
        var tenant = await app.CreateTenantAsync(adminLimit: 4);
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var api = app.Api();
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/helpdesk", new { permissions = new[] { "users:manage", "users:read" } }, admin.Token), HttpStatusCode.OK);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/readers", new { permissions = new[] { "users:read" } }, admin.Token), HttpStatusCode.OK);
        var helper = await app.NewUserAsync(tenant, ["helpdesk"]);
        var reader = await app.NewUserAsync(tenant, ["readers"]);
        var other = await app.NewUserAsync(tenant, ["admin"]);
        var path = $"/v1/tenants/{tenant}/users";

        var suspendAdmin = await api.PutAsync($"{path}/{other.UserId}/status", new { status = "suspended", reason = "helpdesk overreach" }, helper.Token);
        var unlockAdmin = await api.PostAsync($"{path}/{other.UserId}/unlock", null, helper.Token);
        var watchAdmin = await api.GetAsync($"{path}/{other.UserId}/sessions", helper.Token);
        var endAdmin = await api.DeleteAsync($"{path}/{other.UserId}/sessions", helper.Token);
        var suspendReader = await api.PutAsync($"{path}/{reader.UserId}/status", new { status = "suspended", reason = "left the team" }, helper.Token);
        var adminSuspends = await api.PutAsync($"{path}/{other.UserId}/status", new { status = "suspended", reason = "compromised" }, admin.Token);

        await Problem.ReadAsync(suspendAdmin, HttpStatusCode.Forbidden);
        await Problem.ReadAsync(unlockAdmin, HttpStatusCode.Forbidden);
        await Problem.ReadAsync(watchAdmin, HttpStatusCode.Forbidden);
        await Problem.ReadAsync(endAdmin, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, suspendReader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminSuspends.StatusCode); // admin holds every permission: it outranks another admin
        await app.FlushAuditAsync();
        var actions = (await app.StoredEventsAsync(tenant, app.Today())).Select(AuditSteps.Strings).ToList();
        Assert.Contains(actions, a => a.Contains("user.suspend") && a.Contains("refused") && a.Contains("helpdesk overreach") && a.Contains(helper.UserId));
    }
}
