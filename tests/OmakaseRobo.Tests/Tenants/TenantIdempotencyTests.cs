using System.Net;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Tenants;

/// <summary>POST /v1/tenants under an Idempotency-Key: one tenant per operator and key, and never one brought back.</summary>
public sealed class TenantIdempotencyTests
{
    [Fact]
    public async Task Twenty_parallel_calls_under_one_key_make_one_tenant_and_another_request_under_it_is_422()
    {
        using var app = new OmakaseApp();
        var op = await app.OperatorAsync();
        var name = $"Parallel {Guid.NewGuid():N}";
        var body = new { name, adminLimit = 2 };

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => app.Api().PostAsync("/v1/tenants", body, op.Token, ("Idempotency-Key", "tenant-1"))));

        var ids = new List<string?>();
        foreach (var answer in answers)
        {
            ids.Add((await ApiClient.ReadAsync(answer, HttpStatusCode.Created)).GetProperty("tenantId").GetString());
        }

        var tenant = Assert.Single(ids.Distinct())!;
        Assert.Equal([tenant], await TenantsNamedAsync(app, name));
        await app.FlushAuditAsync();
        var trail = await ApiClient.ReadAsync(await app.Api().GetAsync($"/v1/tenants/{tenant}/audit-events?category=operation", op.Token), HttpStatusCode.OK);
        Assert.Single(trail.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "tenant.create");

        var changed = await Problem.ReadAsync(await app.Api().PostAsync("/v1/tenants", new { name, adminLimit = 3 }, op.Token, ("Idempotency-Key", "tenant-1")), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:omakase-robo:problem:idempotency-key-reused", changed.Type);
        var malformed = await Problem.ReadAsync(await app.Api().PostAsync("/v1/tenants", body, op.Token, ("Idempotency-Key", "テナント")), HttpStatusCode.BadRequest);
        Assert.True(malformed.Body.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.Equal([tenant], await TenantsNamedAsync(app, name));
    }

    [Fact]
    public async Task A_retry_after_its_tenant_was_deleted_is_409_and_brings_nothing_back()
    {
        using var app = new OmakaseApp();
        var op = await app.OperatorAsync();
        var name = $"Deleted {Guid.NewGuid():N}";
        var tenant = (await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/tenants", new { name }, op.Token, ("Idempotency-Key", "gone-1")), HttpStatusCode.Created))
            .GetProperty("tenantId").GetString();
        await ApiClient.ReadAsync(await app.Api().PostAsync($"/v1/tenants/{tenant}/termination", null, op.Token), HttpStatusCode.Accepted);
        var terminated = await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/tenants", new { name }, op.Token, ("Idempotency-Key", "gone-1")), HttpStatusCode.Created);
        Assert.Equal(tenant, terminated.GetProperty("tenantId").GetString()); // still there, terminated: the same answer
        app.Clock.Advance(TimeSpan.FromDays(31));
        await app.FlushAuditAsync();
        Assert.Equal(1, (await ApiClient.ReadAsync(await TenantTerminationTests.RunDeletionJobAsync(app), HttpStatusCode.OK)).GetProperty("tenantsDeleted").GetInt32());
        op = await app.OperatorAsync();

        var refused = await Problem.ReadAsync(await app.Api().PostAsync("/v1/tenants", new { name }, op.Token, ("Idempotency-Key", "gone-1")), HttpStatusCode.Conflict);

        Assert.Equal("The tenant this Idempotency-Key created has been deleted since.", refused.Body.GetProperty("detail").GetString());
        Assert.Empty(await TenantsNamedAsync(app, name));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Api().GetAsync($"/v1/tenants/{tenant}", op.Token)).StatusCode);
    }

    private static async Task<List<string>> TenantsNamedAsync(OmakaseApp app, string name)
    {
        using var dynamo = OmakaseApp.Dynamo();
        var items = (await dynamo.ScanAsync(new ScanRequest
        {
            TableName = app.MainTable,
            FilterExpression = "#type = :tenant AND #name = :name",
            ExpressionAttributeNames = new() { ["#type"] = "type", ["#name"] = "name" },
            ExpressionAttributeValues = new() { [":tenant"] = new("tenant"), [":name"] = new(name) },
        })).Items;
        return [.. items.Select(i => i["tenantId"].S)];
    }
}
