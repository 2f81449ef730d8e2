using System.Net;
using OmakaseRobo.Tests.Infrastructure;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Tests.Introspection;

/// <summary>Nothing about a token is remembered between calls: each change shows at the very next introspection.</summary>
public sealed class IntrospectionChangeTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task A_role_assignment_and_a_role_redefinition_show_at_the_very_next_call()
    {
        var client = await app.CreateServiceClientAsync();
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"], enrollMfa: true);
        var api = app.Api();
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/viewer", new { permissions = new[] { "users:read" } }, admin.Token), HttpStatusCode.OK);
        var user = await app.NewUserAsync(tenant, []);
        var before = await app.IntrospectActiveAsync(client, user.Token);

        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/users/{user.UserId}/roles", new { roles = new[] { "viewer" } }, admin.Token), HttpStatusCode.OK);
        var assigned = await app.IntrospectActiveAsync(client, user.Token);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/viewer", new { permissions = new[] { "tenant:read" } }, admin.Token), HttpStatusCode.OK); // not privileged either: the holder keeps no slot
        var redefined = await app.IntrospectActiveAsync(client, user.Token);

        Assert.Empty(before.Strings("roles"));
        Assert.Empty(before.Strings("permissions"));
        Assert.Equal(["viewer"], assigned.Strings("roles"));
        Assert.Equal(["users:read"], assigned.Strings("permissions"));
        Assert.Equal(["tenant:read"], redefined.Strings("permissions"));
    }

    [Fact]
    public async Task Logout_makes_the_token_inactive_at_the_very_next_call()
    {
        var client = await app.CreateServiceClientAsync();
        var user = await app.NewUserAsync(await app.CreateTenantAsync(), []);
        await app.IntrospectActiveAsync(client, user.Token);

        await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/auth/logout", null, user.Token), HttpStatusCode.NoContent);

        Assert.Equal(IntegrationSteps.Inactive, await app.IntrospectTextAsync(client, user.Token));
    }

    [Fact]
    public async Task A_password_change_makes_every_other_session_inactive_at_the_very_next_call()
    {
        var client = await app.CreateServiceClientAsync();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var other = (await app.LoginAsync(tenant, user.Email, user.Password)).GetProperty("accessToken").GetString()!;
        await app.IntrospectActiveAsync(client, other);

        await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/me/password", new { currentPassword = user.Password, newPassword = "Velvet-Orchard-93k" }, user.Token), HttpStatusCode.NoContent);

        Assert.Equal(IntegrationSteps.Inactive, await app.IntrospectTextAsync(client, other));
        await app.IntrospectActiveAsync(client, user.Token);
    }

    [Fact]
    public async Task Deleting_the_user_makes_the_token_inactive_at_the_very_next_call()
    {
        var client = await app.CreateServiceClientAsync();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        await app.IntrospectActiveAsync(client, user.Token);

        await ApiClient.ReadAsync(await app.Api().DeleteAsync($"/v1/tenants/{tenant}/users/{user.UserId}", (await app.OperatorAsync()).Token), HttpStatusCode.NoContent);

        Assert.Equal(IntegrationSteps.Inactive, await app.IntrospectTextAsync(client, user.Token));
    }

    [Fact]
    public async Task Terminating_the_tenant_makes_its_tokens_inactive_at_the_very_next_call()
    {
        var client = await app.CreateServiceClientAsync();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        await app.IntrospectActiveAsync(client, user.Token);

        await ApiClient.ReadAsync(await app.Api().PostAsync($"/v1/tenants/{tenant}/termination", null, (await app.OperatorAsync()).Token), HttpStatusCode.Accepted);

        Assert.Equal(IntegrationSteps.Inactive, await app.IntrospectTextAsync(client, user.Token));
    }
}
