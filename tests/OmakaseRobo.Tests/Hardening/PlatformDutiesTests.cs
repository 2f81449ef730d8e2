using System.Net;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Hardening;

/// <summary>
/// Separation of duties between the platform roles: nobody grants, creates with or removes a platform role they do not
/// hold, and each platform role keeps at least one active holder, also when two holders demote each other at once.
/// </summary>
public sealed class PlatformDutiesTests
{
    [Fact]
    public async Task An_operator_without_security_officer_cannot_make_one_nor_unmake_one()
    {
        using var app = new OmakaseApp();
        var root = await app.OperatorAsync(); // the bootstrap operator holds all three platform roles
        var api = app.Api();
        var operatorOnly = await NewPlatformUserAsync(app, root.Token, "operator");
        var officer = await NewPlatformUserAsync(app, root.Token, "security-officer");

        var create = await api.PostAsync("/v1/tenants/platform/users", new { email = "so2@techhub.example", displayName = "SO", roles = new[] { "security-officer" } }, operatorOnly.Token);
        await Problem.ReadAsync(create, HttpStatusCode.Forbidden);
        var peer = await NewPlatformUserAsync(app, operatorOnly.Token, "operator"); // a role they hold: fine
        await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/platform/users/{peer.UserId}/roles", new { roles = new[] { "operator", "auditor" } }, operatorOnly.Token), HttpStatusCode.Forbidden);
        await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/platform/users/{officer.UserId}/roles", new { roles = Array.Empty<string>() }, operatorOnly.Token), HttpStatusCode.Forbidden);
        await Problem.ReadAsync(await api.DeleteAsync($"/v1/tenants/platform/users/{officer.UserId}", operatorOnly.Token), HttpStatusCode.Forbidden);

        // The officer still reads the audit verification; nobody got it by the side door.
        await ApiClient.ReadAsync(await api.GetAsync("/v1/audit/verification", officer.Token), HttpStatusCode.OK);
        await Problem.ReadAsync(await api.GetAsync("/v1/audit/verification", operatorOnly.Token), HttpStatusCode.Forbidden);

        await app.FlushAuditAsync();
        var refused = (await app.StoredEventsAsync("platform", app.Today()))
            .Where(e => e["outcome"].S == "refused" && e["actorId"].S == operatorOnly.UserId).Select(e => e["action"].S).ToList();
        Assert.Equal(["user.create", "user.roles.assign", "user.roles.assign", "user.delete"], refused);
    }

    [Fact]
    public async Task Two_holders_removing_a_platform_role_from_each_other_at_once_leave_one_holder()
    {
        using var app = new OmakaseApp();
        var root = await app.OperatorAsync();
        var api = app.Api();
        var second = await NewPlatformUserAsync(app, root.Token, "operator", "security-officer", "auditor");

        // Each keeps operator and drops the other's auditor: both pass separation of duties, only one may commit.
        var statuses = await Task.WhenAll(
            api.PutAsync($"/v1/tenants/platform/users/{second.UserId}/roles", new { roles = new[] { "operator", "security-officer" } }, root.Token),
            api.PutAsync($"/v1/tenants/platform/users/{root.UserId}/roles", new { roles = new[] { "operator", "security-officer" } }, second.Token));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], statuses.Select(s => s.StatusCode).Order());
        var users = await ApiClient.ReadAsync(await api.GetAsync("/v1/tenants/platform/users", root.Token), HttpStatusCode.OK);
        Assert.Equal(1, users.GetProperty("items").EnumerateArray().Count(u => u.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == "auditor")));
    }

    [Fact]
    public async Task Two_holders_deleting_each_other_at_once_leave_one()
    {
        using var app = new OmakaseApp();
        var root = await app.OperatorAsync();
        var api = app.Api();
        var second = await NewPlatformUserAsync(app, root.Token, "operator", "security-officer", "auditor");

        var deletes = await Task.WhenAll(
            api.DeleteAsync($"/v1/tenants/platform/users/{second.UserId}", root.Token),
            api.DeleteAsync($"/v1/tenants/platform/users/{root.UserId}", second.Token));

        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], deletes.Select(d => d.StatusCode).Order());
        var survivor = deletes[0].StatusCode == HttpStatusCode.NoContent ? root : second;
        var users = await ApiClient.ReadAsync(await api.GetAsync("/v1/tenants/platform/users", survivor.Token), HttpStatusCode.OK);
        Assert.Equal([survivor.UserId], users.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("userId").GetString()));
    }

    private static async Task<SignedIn> NewPlatformUserAsync(OmakaseApp app, string token, params string[] roles)
    {
        var email = $"p-{Guid.NewGuid():N}"[..14] + "@techhub.example";
        var created = await ApiClient.ReadAsync(
            await app.Api().PostAsync("/v1/tenants/platform/users", new { email, displayName = "Platform user", roles }, token), HttpStatusCode.Created);
        return await Scenario.FirstSignInAsync(app, "platform", email, created.GetProperty("temporaryPassword").GetString()!, mustEnrollMfa: true);
    }
}
