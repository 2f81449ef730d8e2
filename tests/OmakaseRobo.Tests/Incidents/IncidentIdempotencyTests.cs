using System.Net;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Incidents;

/// <summary>POST /v1/incidents under an Idempotency-Key: one incident per caller and key, whatever the retries.</summary>
public sealed class IncidentIdempotencyTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task Twenty_parallel_calls_under_one_key_make_one_incident_and_all_get_it()
    {
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var title = $"Parallel {Guid.NewGuid():N}";
        var body = new { title, description = "D", severity = "high", affectedTenantIds = new[] { tenant } };

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CreateAsync(body, op.Token, "\"retry-1\"")));

        var ids = new List<string?>();
        foreach (var answer in answers)
        {
            var created = await ApiClient.ReadAsync(answer, HttpStatusCode.Created);
            Assert.Equal("detection", created.GetProperty("status").GetString());
            ids.Add(created.GetProperty("incidentId").GetString());
        }

        Assert.Single(ids.Distinct());
        Assert.Equal(ids.Distinct(), await IncidentsTitledAsync(title, op.Token));
        var again = await ApiClient.ReadAsync(await CreateAsync(body, op.Token, "retry-1"), HttpStatusCode.Created); // the same key, unquoted
        Assert.Equal(ids[0], again.GetProperty("incidentId").GetString());
        await app.FlushAuditAsync();
        var trail = await ApiClient.ReadAsync(await app.Api().GetAsync("/v1/tenants/platform/audit-events?category=operation&limit=100", op.Token), HttpStatusCode.OK);
        Assert.Single(trail.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "incident.create" && e.GetProperty("target").GetString() == ids[0]);
    }

    [Fact]
    public async Task The_key_with_another_request_is_422_and_another_caller_or_no_key_makes_its_own_incident()
    {
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var title = $"Reused {Guid.NewGuid():N}";
        var key = Guid.NewGuid().ToString();
        var first = await ApiClient.ReadAsync(await CreateAsync(new { title, description = "D", affectedTenantIds = new[] { tenant } }, op.Token, key), HttpStatusCode.Created);

        var changed = await Problem.ReadAsync(await CreateAsync(new { title, description = "Another text", affectedTenantIds = new[] { tenant } }, op.Token, key), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:omakase-robo:problem:idempotency-key-reused", changed.Type);
        var reported = await ApiClient.ReadAsync(await CreateAsync(new { title, description = "D" }, admin.Token, key), HttpStatusCode.Created);
        Assert.Equal("reported", reported.GetProperty("status").GetString());
        Assert.NotEqual(first.GetProperty("incidentId").GetString(), reported.GetProperty("incidentId").GetString());
        var reportedAgain = await ApiClient.ReadAsync(await CreateAsync(new { title, description = "D" }, admin.Token, key), HttpStatusCode.Created);
        Assert.Equal(reported.GetProperty("incidentId").GetString(), reportedAgain.GetProperty("incidentId").GetString());
        Assert.Equal("reported", reportedAgain.GetProperty("status").GetString());
        await ApiClient.ReadAsync(await CreateAsync(new { title, description = "D", affectedTenantIds = new[] { tenant } }, op.Token, key: null), HttpStatusCode.Created);

        Assert.Equal(3, (await IncidentsTitledAsync(title, op.Token)).Count);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("a b")]
    [InlineData("キー")]
    [InlineData("quote\"inside")]
    [InlineData("k2,k3")] // what two Idempotency-Key headers become
    public async Task A_malformed_key_is_a_field_error_and_creates_nothing(string key)
    {
        var op = await app.OperatorAsync();
        var title = $"Malformed {Guid.NewGuid():N}";
        var problem = await Problem.ReadAsync(await CreateAsync(new { title, description = "D" }, op.Token, key), HttpStatusCode.BadRequest);

        Assert.True(problem.Body.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.Empty(await IncidentsTitledAsync(title, op.Token));
    }

    [Fact]
    public async Task A_key_longer_than_128_characters_is_a_field_error()
    {
        var op = await app.OperatorAsync();
        var problem = await Problem.ReadAsync(await CreateAsync(new { title = "T", description = "D" }, op.Token, new string('k', 129)), HttpStatusCode.BadRequest);
        Assert.True(problem.Body.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        await ApiClient.ReadAsync(await CreateAsync(new { title = "T", description = "D" }, op.Token, new string('k', 128)), HttpStatusCode.Created);
    }

    private Task<HttpResponseMessage> CreateAsync(object body, string token, string? key) =>
        key is null ? app.Api().PostAsync("/v1/incidents", body, token) : app.Api().PostAsync("/v1/incidents", body, token, ("Idempotency-Key", key));

    private async Task<List<string?>> IncidentsTitledAsync(string title, string token)
    {
        var all = await ApiClient.ReadAsync(await app.Api().GetAsync("/v1/incidents", token), HttpStatusCode.OK);
        return [.. all.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("title").GetString() == title).Select(i => i.GetProperty("incidentId").GetString())];
    }
}
