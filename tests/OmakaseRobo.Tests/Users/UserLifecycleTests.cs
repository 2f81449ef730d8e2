using System.Net;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Users;

public sealed class UserLifecycleTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task A_deleted_users_live_token_is_rejected_at_once_and_only_a_tombstone_remains()
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, [], enrollMfa: true);
        var op = await app.OperatorAsync();
        var api = app.Api();
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/me", user.Token)).StatusCode);

        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/tenants/{tenant}/users/{user.UserId}", op.Token), HttpStatusCode.NoContent);

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/v1/me", user.Token)).StatusCode);
        using var dynamo = OmakaseApp.Dynamo();
        var item = (await dynamo.GetItemAsync(app.MainTable, new Dictionary<string, AttributeValue> { ["pk"] = new($"TENANT#{tenant}"), ["sk"] = new($"USER#{user.UserId}") })).Item;
        Assert.Equal("deleted", item["status"].S);
        foreach (var gone in new[] { "email", "displayName", "passwordHash", "totpSecret", "recoveryCodes" })
        {
            Assert.False(item.ContainsKey(gone), gone);
        }

        var users = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users", op.Token), HttpStatusCode.OK);
        Assert.DoesNotContain(users.GetProperty("items").EnumerateArray(), u => u.GetProperty("userId").GetString() == user.UserId);
    }

    [Fact]
    public async Task A_suspended_admin_is_deleted_even_when_the_admin_cap_is_full()
    {
        var tenant = await app.CreateTenantAsync(adminLimit: 2);
        var op = await app.OperatorAsync();
        var api = app.Api();
        await app.CreateUserAsync(tenant, "admin");
        var (suspect, email, _) = await app.CreateUserAsync(tenant, "admin");
        await ApiClient.ReadAsync(
            await api.PutAsync($"/v1/tenants/{tenant}/users/{suspect}/status", new { status = "suspended", reason = "compromised" }, op.Token), HttpStatusCode.OK);
        await app.CreateUserAsync(tenant, "admin"); // the freed slot is taken: the cap is full again

        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/tenants/{tenant}/users/{suspect}", op.Token), HttpStatusCode.NoContent);

        var users = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users", op.Token), HttpStatusCode.OK);
        Assert.DoesNotContain(users.GetProperty("items").EnumerateArray(), u => u.GetProperty("userId").GetString() == suspect);
        var stored = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}", op.Token), HttpStatusCode.OK);
        Assert.Equal(2, stored.GetProperty("adminCount").GetInt32()); // a suspended admin held no slot, so none is returned
        await ApiClient.ReadAsync(
            await api.PostAsync($"/v1/tenants/{tenant}/users", new { email, displayName = "Again", roles = Array.Empty<string>() }, op.Token), HttpStatusCode.Created);
        await Problem.ReadAsync(await api.DeleteAsync($"/v1/tenants/{tenant}/users/{suspect}", op.Token), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_suspended_users_roles_change_without_a_slot_and_reactivation_checks_the_cap()
    {
        var tenant = await app.CreateTenantAsync(adminLimit: 2);
        var op = await app.OperatorAsync();
        var api = app.Api();
        await app.CreateUserAsync(tenant, "admin");
        var (suspect, _, _) = await app.CreateUserAsync(tenant, "admin");
        var (member, _, _) = await app.CreateUserAsync(tenant);
        foreach (var user in new[] { suspect, member })
        {
            await ApiClient.ReadAsync(
                await api.PutAsync($"/v1/tenants/{tenant}/users/{user}/status", new { status = "suspended", reason = "compromised" }, op.Token), HttpStatusCode.OK);
        }

        await app.CreateUserAsync(tenant, "admin"); // the cap is full again
        var taken = await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/users/{suspect}/roles", new { roles = Array.Empty<string>() }, op.Token), HttpStatusCode.OK);
        Assert.Empty(taken.GetProperty("roles").EnumerateArray());
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/users/{member}/roles", new { roles = new[] { "admin" } }, op.Token), HttpStatusCode.OK);
        var stored = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}", op.Token), HttpStatusCode.OK);
        Assert.Equal(2, stored.GetProperty("adminCount").GetInt32());

        var refused = await Problem.ReadAsync(
            await api.PutAsync($"/v1/tenants/{tenant}/users/{member}/status", new { status = "active", reason = "back" }, op.Token), HttpStatusCode.Conflict);
        Assert.Equal("The tenant has reached its admin limit.", refused.Body.GetProperty("detail").GetString());
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/users/{suspect}/status", new { status = "active", reason = "cleared" }, op.Token), HttpStatusCode.OK);
        var users = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users", op.Token), HttpStatusCode.OK);
        var roles = users.GetProperty("items").EnumerateArray().ToDictionary(u => u.GetProperty("userId").GetString()!, u => u.GetProperty("roles").GetArrayLength());
        Assert.Equal(0, roles[suspect]);
        Assert.Equal(1, roles[member]);
    }

    [Fact]
    public async Task Users_of_a_terminated_tenant_are_not_changed_and_the_answer_says_why()
    {
        var tenant = await app.CreateTenantAsync();
        var op = await app.OperatorAsync();
        var api = app.Api();
        var (member, _, _) = await app.CreateUserAsync(tenant);
        await app.CreateUserAsync(tenant, "admin");
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/tenants/{tenant}/termination", null, op.Token), HttpStatusCode.Accepted);

        var answers = new[]
        {
            await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/users/{member}/status", new { status = "suspended", reason = "left" }, op.Token), HttpStatusCode.Conflict),
            await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/users/{member}/roles", new { roles = new[] { "admin" } }, op.Token), HttpStatusCode.Conflict),
            await Problem.ReadAsync(await api.DeleteAsync($"/v1/tenants/{tenant}/users/{member}", op.Token), HttpStatusCode.Conflict),
            await Problem.ReadAsync(await api.PostAsync($"/v1/tenants/{tenant}/users/{member}/password-reset", new { reason = "asked" }, op.Token), HttpStatusCode.Conflict),
            await Problem.ReadAsync(await api.PostAsync($"/v1/tenants/{tenant}/users/{member}/mfa-reset", new { reason = "asked" }, op.Token), HttpStatusCode.Conflict),
            await Problem.ReadAsync(await api.PostAsync($"/v1/tenants/{tenant}/users/{member}/unlock", null, op.Token), HttpStatusCode.Conflict),
        };

        Assert.All(answers, a => Assert.Equal("The tenant is not active.", a.Body.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task An_email_is_unique_in_its_tenant_even_under_concurrent_creation()
    {
        var tenant = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        var op = await app.OperatorAsync();
        var api = app.Api();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
            (await api.PostAsync($"/v1/tenants/{tenant}/users", new { email = "Same@Customer.example", displayName = $"Twin {i}", roles = Array.Empty<string>() }, op.Token)).StatusCode));
        var elsewhere = await api.PostAsync($"/v1/tenants/{other}/users", new { email = "same@customer.example", displayName = "Other", roles = Array.Empty<string>() }, op.Token);

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(9, statuses.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(HttpStatusCode.Created, elsewhere.StatusCode);
    }

    [Fact]
    public async Task A_deleted_users_email_can_be_registered_again()
    {
        var tenant = await app.CreateTenantAsync();
        var op = await app.OperatorAsync();
        var (userId, email, _) = await app.CreateUserAsync(tenant);
        var api = app.Api();

        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/tenants/{tenant}/users/{userId}", op.Token), HttpStatusCode.NoContent);
        var again = await api.PostAsync($"/v1/tenants/{tenant}/users", new { email, displayName = "Back", roles = Array.Empty<string>() }, op.Token);
        var twice = await api.DeleteAsync($"/v1/tenants/{tenant}/users/{userId}", op.Token);

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, twice.StatusCode);
    }

    [Fact]
    public async Task Creation_stores_the_minimum_and_validates_every_field()
    {
        var tenant = await app.CreateTenantAsync();
        var op = await app.OperatorAsync();
        var api = app.Api();

        var bad = await Problem.ReadAsync(await api.PostAsync($"/v1/tenants/{tenant}/users", new { email = "not-an-email", displayName = new string('x', 101), roles = new[] { "superuser" } }, op.Token), HttpStatusCode.BadRequest);
        var missingTenant = await api.PostAsync("/v1/tenants/t_nosuchtenant0000000/users", new { email = "a@b.example", displayName = "A", roles = Array.Empty<string>() }, op.Token);

        Assert.Equal(["displayName", "email", "roles"], bad.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(HttpStatusCode.NotFound, missingTenant.StatusCode);
    }

    [Fact]
    public async Task An_operator_cannot_delete_their_own_account()
    {
        var op = await app.OperatorAsync();

        var response = await app.Api().DeleteAsync($"/v1/tenants/platform/users/{op.UserId}", op.Token);

        await Problem.ReadAsync(response, HttpStatusCode.Conflict);
    }
}
