using System.Net;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Hardening;

/// <summary>
/// A role that is admin by another name is privileged: it counts against adminLimit, falls under requireMfaForAdmins and
/// is reviewed; whether a role is privileged cannot change while it is held.
/// </summary>
public sealed class PrivilegeTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private static readonly string[] AllAdminPermissions =
        ["users:read", "users:manage", "roles:read", "roles:manage", "roles:assign", "audit:read", "incidents:report", "incidents:read", "notices:read", "webhook:manage", "tenant:read"];

    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task Admin_by_another_name_counts_against_the_cap_must_enrol_mfa_and_is_reviewed()
    {
        var tenant = await app.CreateTenantAsync(adminLimit: 2);
        var op = await app.OperatorAsync();
        var api = app.Api();
        await app.CreateUserAsync(tenant, "admin");
        await PutRoleAsync(tenant, "superuser", AllAdminPermissions, op.Token);
        await PutRoleAsync(tenant, "hooks", ["webhook:manage"], op.Token);
        await PutRoleAsync(tenant, "readers", ["users:read", "tenant:read"], op.Token);

        var (superuser, email, temporary) = await app.CreateUserAsync(tenant, "superuser");
        var full = await api.PostAsync($"/v1/tenants/{tenant}/users", new { email = $"{Guid.NewGuid():N}"[..12] + "@x.example", displayName = "H", roles = new[] { "hooks" } }, op.Token);
        await Problem.ReadAsync(full, HttpStatusCode.Conflict);
        var reader = await app.CreateUserAsync(tenant, "readers"); // not privileged: no slot needed
        await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/users/{reader.UserId}/roles", new { roles = new[] { "readers", "hooks" } }, op.Token), HttpStatusCode.Conflict);

        var login = await app.LoginAsync(tenant, email, temporary);
        Assert.True(login.GetProperty("mfaEnrollmentRequired").GetBoolean());
        var token = login.GetProperty("accessToken").GetString()!;
        await ApiClient.ReadAsync(await api.PostAsync("/v1/me/password", new { currentPassword = temporary, newPassword = Scenario.NewPassword }, token), HttpStatusCode.NoContent);
        await Problem.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users", token), HttpStatusCode.Forbidden);

        var review = await ApiClient.ReadAsync(await api.GetAsync("/v1/access-reviews/privileged", op.Token), HttpStatusCode.OK);
        var account = review.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("userId").GetString() == superuser);
        Assert.Contains("admin-without-mfa", account.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.DoesNotContain(review.GetProperty("accounts").EnumerateArray(), a => a.GetProperty("userId").GetString() == reader.UserId);
        Assert.Equal(2, (await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}", op.Token), HttpStatusCode.OK)).GetProperty("adminCount").GetInt32());
    }

    [Fact]
    public async Task Fifty_parallel_grants_of_a_privileged_custom_role_never_exceed_the_admin_limit()
    {
        var tenant = await app.CreateTenantAsync(adminLimit: 3);
        var op = await app.OperatorAsync();
        var api = app.Api();
        await app.CreateUserAsync(tenant, "admin");
        await PutRoleAsync(tenant, "auditors", ["audit:read"], op.Token);
        var members = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            members.Add((await app.CreateUserAsync(tenant)).UserId);
        }

        var statuses = await Task.WhenAll(members.Select(async id =>
            (await api.PutAsync($"/v1/tenants/{tenant}/users/{id}/roles", new { roles = new[] { "auditors" } }, op.Token)).StatusCode));

        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(48, statuses.Count(s => s == HttpStatusCode.Conflict));
        var stored = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}", op.Token), HttpStatusCode.OK);
        Assert.Equal(3, stored.GetProperty("adminCount").GetInt32());
    }

    [Fact]
    public async Task A_role_cannot_become_privileged_or_stop_being_so_while_it_is_held()
    {
        var tenant = await app.CreateTenantAsync(adminLimit: 5);
        var op = await app.OperatorAsync();
        var api = app.Api();
        await PutRoleAsync(tenant, "helpers", ["users:read"], op.Token);
        await PutRoleAsync(tenant, "stewards", ["users:read", "users:manage"], op.Token);
        var helper = await app.CreateUserAsync(tenant, "helpers");
        await app.CreateUserAsync(tenant, "stewards");

        var raise = await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/helpers", new { permissions = new[] { "users:read", "users:manage" } }, op.Token), HttpStatusCode.Conflict);
        await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/stewards", new { permissions = new[] { "users:read" } }, op.Token), HttpStatusCode.Conflict);
        Assert.Contains("privileged", raise.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await PutRoleAsync(tenant, "helpers", ["users:read", "tenant:read"], op.Token); // no change in privilege: fine while held

        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/users/{helper.UserId}/roles", new { roles = Array.Empty<string>() }, op.Token), HttpStatusCode.OK);
        await PutRoleAsync(tenant, "helpers", ["users:read", "users:manage"], op.Token);
        var stored = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}", op.Token), HttpStatusCode.OK);
        Assert.Equal(1, stored.GetProperty("adminCount").GetInt32());
    }

    [Fact]
    public async Task Suspending_a_privileged_user_frees_their_slot_and_reactivation_needs_one()
    {
        var tenant = await app.CreateTenantAsync(adminLimit: 2);
        var op = await app.OperatorAsync();
        var api = app.Api();
        await app.CreateUserAsync(tenant, "admin");
        await PutRoleAsync(tenant, "auditors", ["audit:read"], op.Token);
        var auditor = await app.CreateUserAsync(tenant, "auditors");
        var status = $"/v1/tenants/{tenant}/users/{auditor.UserId}/status";

        await ApiClient.ReadAsync(await api.PutAsync(status, new { status = "suspended", reason = "leave" }, op.Token), HttpStatusCode.OK);
        var other = await app.CreateUserAsync(tenant, "auditors");
        await Problem.ReadAsync(await api.PutAsync(status, new { status = "active", reason = "back" }, op.Token), HttpStatusCode.Conflict);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/users/{other.UserId}/roles", new { roles = Array.Empty<string>() }, op.Token), HttpStatusCode.OK);
        await ApiClient.ReadAsync(await api.PutAsync(status, new { status = "active", reason = "back" }, op.Token), HttpStatusCode.OK);
    }

    private async Task PutRoleAsync(string tenant, string name, string[] permissions, string token) =>
        await ApiClient.ReadAsync(await app.Api().PutAsync($"/v1/tenants/{tenant}/roles/{name}", new { permissions }, token), HttpStatusCode.OK);
}
