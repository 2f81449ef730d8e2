using System.Net;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Problems;

using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Users;

public sealed class RoleAssignmentTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task Fifty_concurrent_admin_grants_never_exceed_the_tenants_admin_limit()
    {
        var tenant = await app.CreateTenantAsync(adminLimit: 3);
        var op = await app.OperatorAsync();
        var members = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            members.Add((await app.CreateUserAsync(tenant)).UserId);
        }

        var api = app.Api();
        var statuses = await Task.WhenAll(members.Select(async id =>
            (await api.PutAsync($"/v1/tenants/{tenant}/users/{id}/roles", new { roles = new[] { "admin" } }, op.Token)).StatusCode));

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(47, statuses.Count(s => s == HttpStatusCode.Conflict));
        var users = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users", op.Token), HttpStatusCode.OK);
        Assert.Equal(3, users.GetProperty("items").EnumerateArray().Count(u => u.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == "admin")));
        var stored = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}", op.Token), HttpStatusCode.OK);
        Assert.Equal(3, stored.GetProperty("adminCount").GetInt32());
    }

    [Fact]
    public async Task A_tenant_never_loses_its_last_admin_by_a_role_change()
    {
        var tenant = await app.CreateTenantAsync();
        var (onlyAdmin, _, _) = await app.CreateUserAsync(tenant, "admin");
        var op = await app.OperatorAsync();

        var response = await app.Api().PutAsync($"/v1/tenants/{tenant}/users/{onlyAdmin}/roles", new { roles = Array.Empty<string>() }, op.Token);

        await Problem.ReadAsync(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Creating_an_admin_beyond_the_limit_is_refused()
    {
        var tenant = await app.CreateTenantAsync(adminLimit: 1);
        await app.CreateUserAsync(tenant, "admin");
        var op = await app.OperatorAsync();

        var response = await app.Api().PostAsync($"/v1/tenants/{tenant}/users", new { email = "second@x.example", displayName = "Second", roles = new[] { "admin" } }, op.Token);

        await Problem.ReadAsync(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_role_change_takes_effect_on_the_very_next_request()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var member = await app.NewUserAsync(tenant, []);
        var api = app.Api();
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/viewer", new { permissions = new[] { "users:read" } }, admin.Token), HttpStatusCode.OK);

        var before = await api.GetAsync($"/v1/tenants/{tenant}/users", member.Token);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/users/{member.UserId}/roles", new { roles = new[] { "viewer" } }, admin.Token), HttpStatusCode.OK);
        var granted = await api.GetAsync($"/v1/tenants/{tenant}/users", member.Token);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/viewer", new { permissions = Array.Empty<string>() }, admin.Token), HttpStatusCode.OK);
        var revoked = await api.GetAsync($"/v1/tenants/{tenant}/users", member.Token);

        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, revoked.StatusCode);
    }

    [Fact]
    public async Task A_role_cannot_be_deleted_while_assigned_and_can_be_after()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var (member, _, _) = await app.CreateUserAsync(tenant);
        var api = app.Api();
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/auditor-lite", new { permissions = new[] { "audit:read" } }, admin.Token), HttpStatusCode.OK);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/users/{member}/roles", new { roles = new[] { "auditor-lite" } }, admin.Token), HttpStatusCode.OK);

        await Problem.ReadAsync(await api.DeleteAsync($"/v1/tenants/{tenant}/roles/auditor-lite", admin.Token), HttpStatusCode.Conflict);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/users/{member}/roles", new { roles = Array.Empty<string>() }, admin.Token), HttpStatusCode.OK);
        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/tenants/{tenant}/roles/auditor-lite", admin.Token), HttpStatusCode.NoContent);
        var roles = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/roles", admin.Token), HttpStatusCode.OK);

        Assert.Equal(["admin"], roles.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Built_in_admin_cannot_be_edited_or_deleted_and_bad_roles_are_refused()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var api = app.Api();

        await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/admin", new { permissions = new[] { "users:read" } }, admin.Token), HttpStatusCode.Conflict);
        await Problem.ReadAsync(await api.DeleteAsync($"/v1/tenants/{tenant}/roles/admin", admin.Token), HttpStatusCode.Conflict);
        var unknown = await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/helpers", new { permissions = new[] { "platform:read" } }, admin.Token), HttpStatusCode.BadRequest);
        var badName = await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/Bad%20Name", new { permissions = new[] { "users:read" } }, admin.Token), HttpStatusCode.BadRequest);
        var undefined = await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/users/{admin.UserId}/roles", new { roles = new[] { "ghost" } }, admin.Token), HttpStatusCode.BadRequest);

        Assert.True(unknown.Body.GetProperty("errors").TryGetProperty("permissions", out _));
        Assert.True(badName.Body.GetProperty("errors").TryGetProperty("roleName", out _));
        Assert.True(undefined.Body.GetProperty("errors").TryGetProperty("roles", out _));
    }

    [Fact]
    public async Task Nobody_raises_their_own_privileges_by_any_route()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var api = app.Api();
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/manager", new { permissions = new[] { "roles:manage", "roles:assign", "users:read", "roles:read" } }, admin.Token), HttpStatusCode.OK);
        var manager = await app.NewUserAsync(tenant, ["manager"]);

        var selfAssign = await api.PutAsync($"/v1/tenants/{tenant}/users/{manager.UserId}/roles", new { roles = new[] { "admin" } }, manager.Token);
        var editOwnRole = await api.PutAsync($"/v1/tenants/{tenant}/roles/manager", new { permissions = new[] { "roles:manage", "audit:read" } }, manager.Token);
        var grantUnheld = await api.PutAsync($"/v1/tenants/{tenant}/roles/escalate", new { permissions = new[] { "audit:read" } }, manager.Token);
        var (peer, _, _) = await app.CreateUserAsync(tenant);
        var makePeerAdmin = await api.PutAsync($"/v1/tenants/{tenant}/users/{peer}/roles", new { roles = new[] { "admin" } }, manager.Token);
        var adminSelf = await api.PutAsync($"/v1/tenants/{tenant}/users/{admin.UserId}/roles", new { roles = new[] { "admin", "manager" } }, admin.Token);

        Assert.Equal(HttpStatusCode.Forbidden, selfAssign.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, editOwnRole.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, grantUnheld.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, makePeerAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, adminSelf.StatusCode);
    }

    [Fact]
    public async Task Someone_who_may_assign_roles_cannot_take_away_permissions_they_lack()
    {
        var tenant = await app.CreateTenantAsync(adminLimit: 6);
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var api = app.Api();
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/assigner", new { permissions = new[] { "roles:assign", "users:read" } }, admin.Token), HttpStatusCode.OK);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/auditors", new { permissions = new[] { "audit:read" } }, admin.Token), HttpStatusCode.OK);
        var assigner = await app.NewUserAsync(tenant, ["assigner"]);
        var (otherAdmin, _, _) = await app.CreateUserAsync(tenant, "admin");
        var (auditor, _, _) = await app.CreateUserAsync(tenant, "auditors");
        var (member, _, _) = await app.CreateUserAsync(tenant);

        var demoteAdmin = await api.PutAsync($"/v1/tenants/{tenant}/users/{otherAdmin}/roles", new { roles = Array.Empty<string>() }, assigner.Token);
        var dropAuditor = await api.PutAsync($"/v1/tenants/{tenant}/users/{auditor}/roles", new { roles = Array.Empty<string>() }, assigner.Token);
        var handOut = await api.PutAsync($"/v1/tenants/{tenant}/users/{member}/roles", new { roles = new[] { "assigner" } }, assigner.Token);
        var takeBack = await api.PutAsync($"/v1/tenants/{tenant}/users/{member}/roles", new { roles = Array.Empty<string>() }, assigner.Token);

        Assert.Equal(HttpStatusCode.Forbidden, demoteAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, dropAuditor.StatusCode);
        Assert.Equal(HttpStatusCode.OK, handOut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, takeBack.StatusCode);
        var users = (await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users", admin.Token), HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .ToDictionary(u => u.GetProperty("userId").GetString()!, u => string.Join(',', u.GetProperty("roles").EnumerateArray().Select(r => r.GetString())));
        Assert.Equal("admin", users[otherAdmin]);
        Assert.Equal("auditors", users[auditor]);
        Assert.Equal(string.Empty, users[member]);
    }

    [Fact]
    public async Task Someone_who_may_manage_roles_cannot_edit_or_delete_a_role_with_permissions_they_lack()
    {
        var tenant = await app.CreateTenantAsync(adminLimit: 6);
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var api = app.Api();
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/editor", new { permissions = new[] { "roles:manage", "roles:read", "users:read" } }, admin.Token), HttpStatusCode.OK);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/viewer", new { permissions = new[] { "incidents:read", "tenant:read" } }, admin.Token), HttpStatusCode.OK);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/auditors", new { permissions = new[] { "audit:read", "users:read" } }, admin.Token), HttpStatusCode.OK);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/spare", new { permissions = new[] { "tenant:read" } }, admin.Token), HttpStatusCode.OK);
        var editor = await app.NewUserAsync(tenant, ["editor"]);
        await app.CreateUserAsync(tenant, "viewer");
        await app.CreateUserAsync(tenant, "auditors");

        var emptyViewer = await api.PutAsync($"/v1/tenants/{tenant}/roles/viewer", new { permissions = Array.Empty<string>() }, editor.Token);
        var swapViewer = await api.PutAsync($"/v1/tenants/{tenant}/roles/viewer", new { permissions = new[] { "users:read" } }, editor.Token);
        var stayPrivileged = await api.PutAsync($"/v1/tenants/{tenant}/roles/auditors", new { permissions = new[] { "roles:manage" } }, editor.Token);
        var deleteSpare = await api.DeleteAsync($"/v1/tenants/{tenant}/roles/spare", editor.Token);
        var ownCreate = await api.PutAsync($"/v1/tenants/{tenant}/roles/readers", new { permissions = new[] { "users:read" } }, editor.Token);
        var ownEdit = await api.PutAsync($"/v1/tenants/{tenant}/roles/readers", new { permissions = new[] { "roles:read" } }, editor.Token);
        var ownDelete = await api.DeleteAsync($"/v1/tenants/{tenant}/roles/readers", editor.Token);

        await Problem.ReadAsync(emptyViewer, HttpStatusCode.Forbidden);
        await Problem.ReadAsync(swapViewer, HttpStatusCode.Forbidden);
        await Problem.ReadAsync(stayPrivileged, HttpStatusCode.Forbidden);
        await Problem.ReadAsync(deleteSpare, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, ownCreate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownEdit.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, ownDelete.StatusCode);
        var roles = (await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/roles", admin.Token), HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .ToDictionary(r => r.GetProperty("name").GetString()!, r => string.Join(',', r.GetProperty("permissions").EnumerateArray().Select(p => p.GetString())));
        Assert.Equal(["admin", "auditors", "editor", "spare", "viewer"], roles.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("incidents:read,tenant:read", roles["viewer"]);
        Assert.Equal("audit:read,users:read", roles["auditors"]);
    }

    [Fact]
    public async Task Parallel_creations_of_roles_stop_at_the_tenants_cap()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var api = app.Api();
        for (var i = 0; i < 45; i++)
        {
            await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/before-{i}", new { permissions = new[] { "tenant:read" } }, admin.Token), HttpStatusCode.OK);
        }

        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
            (await api.PutAsync($"/v1/tenants/{tenant}/roles/parallel-{i}", new { permissions = new[] { "tenant:read" } }, admin.Token)).StatusCode));
        var roles = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/roles", admin.Token), HttpStatusCode.OK);

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(15, statuses.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(51, roles.GetProperty("items").GetArrayLength()); // 50 custom roles and admin
        var tooMany = await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/one-more", new { permissions = new[] { "tenant:read" } }, admin.Token), HttpStatusCode.Conflict);
        Assert.Contains("too many roles", tooMany.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_crossing_into_a_tenant_is_written_to_that_tenants_trail_as_privileged_access()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"], enrollMfa: true);
        var op = await app.OperatorAsync();
        var api = app.Api();

        await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users", op.Token), HttpStatusCode.OK);
        var unknown = "t_" + new string('z', 16);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/v1/tenants/{unknown}/users", op.Token)).StatusCode);

        // The customer's admin reads the operator's visit in their own trail.
        var trail = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/audit-events?category=operation&limit=200", admin.Token), HttpStatusCode.OK);
        var visit = Assert.Single(trail.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "privileged-access"
            && e.GetProperty("details").GetProperty("method").GetString() == "GET");
        Assert.Equal(op.UserId, visit.GetProperty("actorId").GetString());
        Assert.Equal("platform", visit.GetProperty("details").GetProperty("actorTenantId").GetString());
        Assert.Equal($"/v1/tenants/{tenant}/users", visit.GetProperty("target").GetString());

        // A tenant that does not exist has no trail: that record stays in the platform's.
        using var dynamo = OmakaseApp.Dynamo();
        var events = await dynamo.ScanAsync(new ScanRequest { TableName = app.AuditTable });
        Assert.Contains(events.Items, e => e.TryGetValue("action", out var action) && action.S == "privileged-access" && e["tenantId"].S == "platform"
            && e.TryGetValue("details", out var d) && d.M["tenantId"].S == unknown);
        Assert.DoesNotContain(events.Items, e => e.TryGetValue("tenantId", out var t) && t.S == unknown);
    }
}
