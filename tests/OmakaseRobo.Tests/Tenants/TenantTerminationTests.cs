using System.Net;
using System.Text;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;

using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Tenants;

public sealed class TenantTerminationTests
{
    internal static async Task<HttpResponseMessage> RunDeletionJobAsync(OmakaseApp app) =>
        await app.CreateClient().PostAsync(new Uri("/events", UriKind.Relative), new StringContent(
            RepositoryFiles.Read("events/delete-terminated-tenants.json").Replace("\"id\": \"", $"\"id\": \"{Guid.NewGuid():N}-", StringComparison.Ordinal),
            Encoding.UTF8, "application/json"));

    private static async Task<List<Dictionary<string, AttributeValue>>> ItemsOfAsync(OmakaseApp app, string tenant)
    {
        using var dynamo = OmakaseApp.Dynamo();
        var all = (await dynamo.ScanAsync(new ScanRequest { TableName = app.MainTable })).Items;
        return [.. all.Where(i => i["pk"].S == $"TENANT#{tenant}" || (i.TryGetValue("tenantId", out var t) && t.S == tenant && !i["pk"].S.StartsWith("CERT#", StringComparison.Ordinal) && !i["pk"].S.StartsWith("INCIDENT#", StringComparison.Ordinal)))]; // incidents and their holds are platform records
    }

    [Fact]
    public async Task Termination_disables_users_at_once_and_after_the_grace_period_only_a_certificate_remains()
    {
        using var app = new OmakaseApp();
        var api = app.Api();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var member = await app.NewUserAsync(tenant, []);
        var neighbour = await app.NewUserAsync(other, []);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/viewer", new { permissions = new[] { "users:read" } }, admin.Token), HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Forbidden, (await api.PostAsync($"/v1/tenants/{tenant}/termination", null, admin.Token)).StatusCode);
        var accepted = await ApiClient.ReadAsync(await api.PostAsync($"/v1/tenants/{tenant}/termination", null, op.Token), HttpStatusCode.Accepted);

        Assert.Equal(app.Clock.GetUtcNow().AddDays(30), accepted.GetProperty("dataDeletionAfter").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/v1/me", member.Token)).StatusCode);
        await app.LoginAsync(tenant, member.Email, member.Password, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsync($"/v1/tenants/{tenant}/termination", null, op.Token)).StatusCode);

        // Within the grace period nothing is deleted, and the report says whose data waits, until when.
        var dataDeletionAfter = accepted.GetProperty("dataDeletionAfter").GetDateTimeOffset();
        app.Clock.Advance(TimeSpan.FromDays(29));
        var early = await ApiClient.ReadAsync(await RunDeletionJobAsync(app), HttpStatusCode.OK);
        Assert.NotEmpty(await ItemsOfAsync(app, tenant));
        Assert.Equal(0, early.GetProperty("tenantsDeleted").GetInt32());
        var waiting = Assert.Single(early.GetProperty("waiting").EnumerateArray());
        Assert.Equal(tenant, waiting.GetProperty("tenantId").GetString());
        Assert.Equal(dataDeletionAfter, waiting.GetProperty("dataDeletionAfter").GetDateTimeOffset());

        app.Clock.Advance(TimeSpan.FromDays(2));
        await app.FlushAuditAsync();
        var report = await ApiClient.ReadAsync(await RunDeletionJobAsync(app), HttpStatusCode.OK);

        Assert.Equal(1, report.GetProperty("tenantsDeleted").GetInt32());
        Assert.Empty(await ItemsOfAsync(app, tenant));
        await app.FlushAuditAsync();
        using (var dynamo = OmakaseApp.Dynamo())
        {
            var audit = (await dynamo.ScanAsync(new ScanRequest { TableName = app.AuditTable })).Items;
            Assert.DoesNotContain(audit, i => i["pk"].S.StartsWith($"AUDIT#{tenant}#", StringComparison.Ordinal) || i["pk"].S == $"AUDIT-CHAINS#{tenant}");
            Assert.Contains(audit, i => i["pk"].S.StartsWith($"AUDIT#{other}#", StringComparison.Ordinal));
        }
        var token = await app.SignInWithMfaAsync(op);
        var certificate = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/deletion-certificate", token), HttpStatusCode.OK);
        Assert.Equal("complete", certificate.GetProperty("state").GetString());
        Assert.Equal(2, certificate.GetProperty("counts").GetProperty("user").GetInt32());
        Assert.Equal(1, certificate.GetProperty("counts").GetProperty("tenant").GetInt32());
        Assert.True(certificate.GetProperty("counts").GetProperty("audit-record").GetInt32() > 0);

        Assert.Matches("^[0-9a-f]{64}$", certificate.GetProperty("keysSha256").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/v1/tenants/{tenant}", token)).StatusCode);
        await app.LoginAsync(other, neighbour.Email, neighbour.Password);
        Assert.NotEmpty(await ItemsOfAsync(app, other));
    }

    [Fact]
    public async Task A_deletion_killed_half_way_is_finished_by_the_next_run_with_the_first_runs_certificate()
    {
        using var app = new OmakaseApp();
        var api = app.Api();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        for (var i = 0; i < 3; i++)
        {
            await app.CreateUserAsync(tenant);
        }

        await ApiClient.ReadAsync(await api.PostAsync($"/v1/tenants/{tenant}/termination", null, op.Token), HttpStatusCode.Accepted);
        app.Clock.Advance(TimeSpan.FromDays(31));
        await ApiClient.ReadAsync(await RunDeletionJobAsync(app), HttpStatusCode.OK);
        using var dynamo = OmakaseApp.Dynamo();
        var key = new Dictionary<string, AttributeValue> { ["pk"] = new($"CERT#{tenant}"), ["sk"] = new("#CERT") };
        var certificate = (await dynamo.GetItemAsync(app.MainTable, key)).Item;

        // Replay the state a killed run leaves: certificate listed but not complete, some items still there.
        using var again = new OmakaseApp();
        var tenant2 = await again.CreateTenantAsync();
        await again.CreateUserAsync(tenant2);
        await again.CreateUserAsync(tenant2);
        await ApiClient.ReadAsync(await again.Api().PostAsync($"/v1/tenants/{tenant2}/termination", null, (await again.OperatorAsync()).Token), HttpStatusCode.Accepted);
        again.Clock.Advance(TimeSpan.FromDays(31));
        var items = await ItemsOfAsync(again, tenant2);
        var listed = items.Count;
        await dynamo.PutItemAsync(again.MainTable, new Dictionary<string, AttributeValue>
        {
            ["pk"] = new($"CERT#{tenant2}"), ["sk"] = new("#CERT"), ["type"] = new("deletion-certificate"), ["tenantId"] = new(tenant2),
            ["state"] = new("deleting"), ["listedAt"] = new() { N = "1" }, ["totalItems"] = new() { N = listed.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["counts"] = new() { M = new() { ["user"] = new() { N = "2" } } }, ["keysSha256"] = new("first-run-hash"),
        });
        foreach (var item in items.Where(i => i["sk"].S.StartsWith("EMAIL#", StringComparison.Ordinal)))
        {
            await dynamo.DeleteItemAsync(again.MainTable, new Dictionary<string, AttributeValue> { ["pk"] = item["pk"], ["sk"] = item["sk"] });
        }

        await ApiClient.ReadAsync(await RunDeletionJobAsync(again), HttpStatusCode.OK);
        var resumed = (await dynamo.GetItemAsync(again.MainTable, new Dictionary<string, AttributeValue> { ["pk"] = new($"CERT#{tenant2}"), ["sk"] = new("#CERT") })).Item;

        Assert.Equal("complete", certificate["state"].S);
        Assert.Empty(await ItemsOfAsync(again, tenant2));
        Assert.Equal("complete", resumed["state"].S);
        Assert.Equal("first-run-hash", resumed["keysSha256"].S);
    }

    [Fact]
    public async Task Audit_records_under_a_legal_hold_outlive_the_deletion_of_their_tenant()
    {
        using var app = new OmakaseApp();
        var api = app.Api();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        await app.NewUserAsync(tenant, []);
        var incident = (await ApiClient.ReadAsync(await api.PostAsync("/v1/incidents", new { title = "T", description = "D", affectedTenantIds = new[] { tenant } }, op.Token), HttpStatusCode.Created)).GetProperty("incidentId").GetString();
        await app.FlushAuditAsync();
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/legal-holds", new { tenantId = tenant, from = OmakaseApp.Start, to = OmakaseApp.Start.AddDays(1) }, op.Token), HttpStatusCode.Created);
        var held = (await app.StoredEventsAsync(tenant, app.Today())).Count;
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/tenants/{tenant}/termination", null, op.Token), HttpStatusCode.Accepted);
        app.Clock.Advance(TimeSpan.FromDays(31));

        await ApiClient.ReadAsync(await RunDeletionJobAsync(app), HttpStatusCode.OK);

        Assert.Empty(await ItemsOfAsync(app, tenant));
        Assert.True(held > 0);
        // The held day is kept whole: what was held, and what was appended to it later (the termination itself).
        Assert.True((await app.StoredEventsAsync(tenant, DateOnly.FromDateTime(OmakaseApp.Start.UtcDateTime))).Count >= held);
    }

    /// <summary>
    /// A deleted tenant's roles stop counting as holders of the product permissions they held, so the permission can be
    /// deleted once no living tenant holds it; another tenant's role still counts.
    /// </summary>
    [Fact]
    public async Task A_deleted_tenants_roles_no_longer_hold_its_product_permissions()
    {
        using var app = new OmakaseApp();
        var op = await app.OperatorAsync();
        var api = app.Api();
        var shared = await app.DefinePermissionAsync();
        var own = await app.DefinePermissionAsync();
        var leaving = await app.CreateTenantAsync();
        var staying = await app.CreateTenantAsync();
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{leaving}/roles/runner", new { permissions = new[] { shared, own } }, op.Token), HttpStatusCode.OK);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{leaving}/roles/viewer", new { permissions = new[] { own, "users:read" } }, op.Token), HttpStatusCode.OK);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{staying}/roles/runner", new { permissions = new[] { shared } }, op.Token), HttpStatusCode.OK);

        await ApiClient.ReadAsync(await api.PostAsync($"/v1/tenants/{leaving}/termination", null, op.Token), HttpStatusCode.Accepted);
        app.Clock.Advance(TimeSpan.FromDays(31));
        await ApiClient.ReadAsync(await RunDeletionJobAsync(app), HttpStatusCode.OK);
        await ApiClient.ReadAsync(await RunDeletionJobAsync(app), HttpStatusCode.OK); // a second run finds nothing to count again

        op = await app.OperatorAsync();
        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/permissions/{own}", op.Token), HttpStatusCode.NoContent);
        await Problem.ReadAsync(await api.DeleteAsync($"/v1/permissions/{shared}", op.Token), HttpStatusCode.Conflict);
        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/tenants/{staying}/roles/runner", op.Token), HttpStatusCode.NoContent);
        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/permissions/{shared}", op.Token), HttpStatusCode.NoContent);
    }
}
