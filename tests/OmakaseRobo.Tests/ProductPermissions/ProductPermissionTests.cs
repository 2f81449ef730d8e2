using System.Net;
using OmakaseRobo.Tests.Infrastructure;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Tests.ProductPermissions;

/// <summary>Product permissions: defined by operators, held by custom roles and by admin, seen by introspection.</summary>
public sealed class ProductPermissionTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task The_catalogue_lists_built_in_tenant_and_platform_permissions_and_product_ones_with_their_scope()
    {
        var name = await app.DefinePermissionAsync(privileged: true);
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"], enrollMfa: true);

        var list = await ApiClient.ReadAsync(await app.Api().GetAsync("/v1/permissions", admin.Token), HttpStatusCode.OK);
        var items = list.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!);

        Assert.Equal("tenant", items["users:read"].GetProperty("scope").GetString());
        Assert.True(items["users:read"].GetProperty("builtIn").GetBoolean());
        Assert.Equal("platform", items["platform:permissions:manage"].GetProperty("scope").GetString());
        Assert.All(items.Values, i => Assert.False(string.IsNullOrEmpty(i.GetProperty("description").GetProperty("ja").GetString())));
        Assert.All(items.Values, i => Assert.False(string.IsNullOrEmpty(i.GetProperty("description").GetProperty("en").GetString())));
        var product = items[name];
        Assert.Equal("product", product.GetProperty("scope").GetString());
        Assert.False(product.GetProperty("builtIn").GetBoolean());
        Assert.True(product.GetProperty("privileged").GetBoolean());
        Assert.Equal("Run robots", product.GetProperty("description").GetProperty("en").GetString());
    }

    [Theory]
    [InlineData("Robots:run")]
    [InlineData("robots")]
    [InlineData("robots:")]
    [InlineData(":run")]
    [InlineData("robots:run:fast")]
    [InlineData("robots:run fast")]
    [InlineData("9robots:run")]
    [InlineData("robots:run_fast")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:run")]
    [InlineData("platform:robots")]
    [InlineData("users:export")]
    public async Task A_name_that_is_not_area_colon_action_or_is_in_a_built_in_area_is_a_bad_request(string name)
    {
        var op = await app.OperatorAsync();

        var response = await app.Api().PutAsync($"/v1/permissions/{Uri.EscapeDataString(name)}", new { description = new { ja = "実行", en = "Run" } }, op.Token);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.Body.GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Descriptions_in_both_languages_are_required()
    {
        var op = await app.OperatorAsync();

        var problem = await Problem.ReadAsync(await app.Api().PutAsync("/v1/permissions/robots:stop", new { description = new { en = "Stop" } }, op.Token), HttpStatusCode.BadRequest);

        Assert.True(problem.Body.GetProperty("errors").TryGetProperty("description.ja", out _));
    }

    [Fact]
    public async Task Built_in_permissions_can_be_neither_redefined_nor_removed()
    {
        var op = await app.OperatorAsync();
        var api = app.Api();

        await Problem.ReadAsync(await api.PutAsync("/v1/permissions/users:read", new { description = new { ja = "x", en = "x" } }, op.Token), HttpStatusCode.Conflict);
        await Problem.ReadAsync(await api.DeleteAsync("/v1/permissions/users:read", op.Token), HttpStatusCode.Conflict);
        await Problem.ReadAsync(await api.DeleteAsync("/v1/permissions/platform:read", op.Token), HttpStatusCode.Conflict);
        await Problem.ReadAsync(await api.DeleteAsync("/v1/permissions/robots:never-defined", op.Token), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_custom_role_holds_a_product_permission_and_introspection_and_me_show_it()
    {
        var client = await app.CreateServiceClientAsync();
        var run = await app.DefinePermissionAsync();
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"], enrollMfa: true);
        var api = app.Api();

        var role = await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/runner", new { permissions = new[] { run, "users:read" } }, admin.Token), HttpStatusCode.OK);
        var user = await app.NewUserAsync(tenant, ["runner"]);

        Assert.Equal([run, "users:read"], role.Strings("permissions").Order(StringComparer.Ordinal));
        Assert.Contains(run, (await app.IntrospectActiveAsync(client, user.Token)).Strings("permissions"));
        Assert.Contains(run, (await ApiClient.ReadAsync(await api.GetAsync("/v1/me", user.Token), HttpStatusCode.OK)).Strings("permissions"));
    }

    [Fact]
    public async Task Admin_holds_every_product_permission_including_one_defined_after_they_signed_in()
    {
        var client = await app.CreateServiceClientAsync();
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"], enrollMfa: true);
        var before = await app.IntrospectActiveAsync(client, admin.Token);

        var later = await app.DefinePermissionAsync();
        var after = await app.IntrospectActiveAsync(client, admin.Token);
        var roles = await ApiClient.ReadAsync(await app.Api().GetAsync($"/v1/tenants/{tenant}/roles", admin.Token), HttpStatusCode.OK);

        Assert.DoesNotContain(later, before.Strings("permissions"));
        Assert.Contains(later, after.Strings("permissions"));
        Assert.Contains("users:read", after.Strings("permissions"));
        Assert.Contains(later, roles.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "admin").Strings("permissions"));
    }

    [Fact]
    public async Task An_undefined_product_permission_cannot_go_in_a_role_and_nobody_grants_one_they_lack()
    {
        var run = await app.DefinePermissionAsync();
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"], enrollMfa: true);
        var api = app.Api();
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/role-editor", new { permissions = new[] { "roles:manage", "roles:read" } }, admin.Token), HttpStatusCode.OK);
        var editor = await app.NewUserAsync(tenant, ["role-editor"]);

        await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/ghost", new { permissions = new[] { "robots:never-defined" } }, admin.Token), HttpStatusCode.BadRequest);
        await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/runner", new { permissions = new[] { run } }, editor.Token), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_permission_in_use_cannot_be_deleted_until_no_role_holds_it()
    {
        var op = await app.OperatorAsync();
        var run = await app.DefinePermissionAsync();
        var tenant = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        var api = app.Api();
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/runner", new { permissions = new[] { run } }, op.Token), HttpStatusCode.OK);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{other}/roles/runner", new { permissions = new[] { run } }, op.Token), HttpStatusCode.OK);

        await Problem.ReadAsync(await api.DeleteAsync($"/v1/permissions/{run}", op.Token), HttpStatusCode.Conflict);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/runner", new { permissions = new[] { "users:read" } }, op.Token), HttpStatusCode.OK);
        await Problem.ReadAsync(await api.DeleteAsync($"/v1/permissions/{run}", op.Token), HttpStatusCode.Conflict);
        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/tenants/{other}/roles/runner", op.Token), HttpStatusCode.NoContent);
        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/permissions/{run}", op.Token), HttpStatusCode.NoContent);

        var list = await ApiClient.ReadAsync(await api.GetAsync("/v1/permissions", op.Token), HttpStatusCode.OK);
        Assert.DoesNotContain(run, list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/runner", new { permissions = new[] { run } }, op.Token), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Redefining_a_permission_keeps_its_count_of_roles()
    {
        var op = await app.OperatorAsync();
        var run = await app.DefinePermissionAsync();
        var tenant = await app.CreateTenantAsync();
        await ApiClient.ReadAsync(await app.Api().PutAsync($"/v1/tenants/{tenant}/roles/runner", new { permissions = new[] { run } }, op.Token), HttpStatusCode.OK);

        await app.DefinePermissionAsync(run, privileged: true);

        await Problem.ReadAsync(await app.Api().DeleteAsync($"/v1/permissions/{run}", op.Token), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_role_put_racing_the_permission_delete_never_leaves_a_role_holding_a_deleted_permission()
    {
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var api = app.Api();
        for (var round = 0; round < 6; round++)
        {
            var run = await app.DefinePermissionAsync();
            var role = $"racer-{round}";
            var put = api.PutAsync($"/v1/tenants/{tenant}/roles/{role}", new { permissions = new[] { run } }, op.Token);
            var delete = api.DeleteAsync($"/v1/permissions/{run}", op.Token);
            var (putStatus, deleteStatus) = ((await put).StatusCode, (await delete).StatusCode);

            var roles = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/roles", op.Token), HttpStatusCode.OK);
            var held = roles.GetProperty("items").EnumerateArray().Any(r => r.GetProperty("name").GetString() == role && r.Strings("permissions").Contains(run));
            var defined = (await ApiClient.ReadAsync(await api.GetAsync("/v1/permissions", op.Token), HttpStatusCode.OK))
                .GetProperty("items").EnumerateArray().Any(i => i.GetProperty("name").GetString() == run);

            // Whichever wins, the answers tell the truth and no role is left holding a permission that is gone.
            var because = $"round {round}: put {putStatus}, delete {deleteStatus}, held {held}, defined {defined}";
            Assert.False(held && !defined, because);
            Assert.True(held == (putStatus == HttpStatusCode.OK), because);
            Assert.True(defined == (deleteStatus != HttpStatusCode.NoContent), because);
        }
    }

    /// <summary>
    /// The documented 40 product permissions per role, and a change that swaps all 40 for 40 others: 80 counts move in the
    /// role's one transaction, which the local engine caps at 10 items. The counts stay exact: each of the 80 can be
    /// deleted exactly when no role holds it.
    /// </summary>
    [Fact]
    public async Task A_role_swaps_forty_product_permissions_for_forty_others_in_one_change_and_every_count_stays_exact()
    {
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var api = app.Api();
        var first = new List<string>();
        var second = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            first.Add(await app.DefinePermissionAsync());
            second.Add(await app.DefinePermissionAsync());
        }

        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/wide", new { permissions = first }, op.Token), HttpStatusCode.OK);
        var swapped = await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/wide", new { permissions = second }, op.Token), HttpStatusCode.OK);
        Assert.Equal(second.Order(StringComparer.Ordinal), swapped.Strings("permissions"));

        foreach (var released in first)
        {
            await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/permissions/{released}", op.Token), HttpStatusCode.NoContent);
        }

        foreach (var held in second)
        {
            Assert.Contains("role holds", (await Problem.ReadAsync(await api.DeleteAsync($"/v1/permissions/{held}", op.Token), HttpStatusCode.Conflict)).Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/tenants/{tenant}/roles/wide", op.Token), HttpStatusCode.NoContent);
        foreach (var released in second)
        {
            await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/permissions/{released}", op.Token), HttpStatusCode.NoContent);
        }
    }

    /// <summary>
    /// Definitions written before the usage item kept their count in their own <c>uses</c>: the delete moves it over before
    /// it checks, so a role change made since (counted in the usage item) and the old count add up.
    /// </summary>
    [Fact]
    public async Task A_count_kept_on_a_definition_from_before_the_usage_item_is_moved_over_and_still_counts()
    {
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var api = app.Api();
        var held = await app.DefinePermissionAsync();
        var released = await app.DefinePermissionAsync();
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/old", new { permissions = new[] { held, released } }, op.Token), HttpStatusCode.OK);

        // As the earlier layout stored it: the count on each definition, none in the usage item.
        using var dynamo = OmakaseApp.Dynamo();
        foreach (var name in new[] { held, released })
        {
            await dynamo.UpdateItemAsync(new Amazon.DynamoDBv2.Model.UpdateItemRequest
            {
                TableName = app.MainTable,
                Key = new() { ["pk"] = new("PERMISSIONS"), ["sk"] = new($"PERMISSION#{name}") },
                UpdateExpression = "SET #uses = :one",
                ExpressionAttributeNames = new() { ["#uses"] = "uses" },
                ExpressionAttributeValues = new() { [":one"] = new() { N = "1" } },
            });
            await dynamo.UpdateItemAsync(new Amazon.DynamoDBv2.Model.UpdateItemRequest
            {
                TableName = app.MainTable,
                Key = new() { ["pk"] = new("PERMISSIONS"), ["sk"] = new("#USES") },
                UpdateExpression = "REMOVE #count",
                ExpressionAttributeNames = new() { ["#count"] = name },
            });
        }

        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/old", new { permissions = new[] { held } }, op.Token), HttpStatusCode.OK);

        await Problem.ReadAsync(await api.DeleteAsync($"/v1/permissions/{held}", op.Token), HttpStatusCode.Conflict);
        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/permissions/{released}", op.Token), HttpStatusCode.NoContent);
        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/tenants/{tenant}/roles/old", op.Token), HttpStatusCode.NoContent);
        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/permissions/{held}", op.Token), HttpStatusCode.NoContent);
    }
}
