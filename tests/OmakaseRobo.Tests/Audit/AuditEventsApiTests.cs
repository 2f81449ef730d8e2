using System.Net;
using System.Text.Json;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Audit;

public sealed class AuditEventsApiTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task A_tenant_admin_pages_through_the_whole_trail_newest_first_without_repeats()
    {
        var tenantId = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenantId, ["admin"]);
        await app.FlushAuditAsync();
        var stored = await app.StoredEventsAsync(tenantId, app.Today());

        var seen = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await ListAsync(tenantId, admin.Token, "?limit=3" + (cursor is null ? string.Empty : "&cursor=" + cursor));
            Assert.True(page.GetProperty("items").GetArrayLength() <= 3);
            seen.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        // Records of the listing requests themselves land above the cursor, so the walk sees exactly what was there.
        Assert.Equal(stored.Select(e => e["eventId"].S).Reverse(), seen.Select(e => e.GetProperty("eventId").GetString()));
    }

    [Fact]
    public async Task Category_and_time_filters_narrow_the_listing()
    {
        var tenantId = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenantId, ["admin"]);
        var start = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.LoginAsync(tenantId, admin.Email, "Wrong-Password-123", HttpStatusCode.Unauthorized);
        await app.FlushAuditAsync();

        var auth = await ListAsync(tenantId, admin.Token, "?category=auth");
        var recent = await ListAsync(tenantId, admin.Token, $"?category=auth&from={Uri.EscapeDataString(start.AddSeconds(30).ToString("O"))}");

        Assert.All(auth.GetProperty("items").EnumerateArray(), e => Assert.Equal("auth", e.GetProperty("category").GetString()));
        Assert.True(auth.GetProperty("items").GetArrayLength() > 1);
        var failure = Assert.Single(recent.GetProperty("items").EnumerateArray());
        Assert.Equal("sign-in", failure.GetProperty("action").GetString());
        Assert.Equal("failure", failure.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task An_altered_cursor_or_one_taken_to_another_tenant_gets_400()
    {
        var tenantA = await app.CreateTenantAsync();
        var tenantB = await app.CreateTenantAsync();
        var op = await app.OperatorAsync();
        await app.CreateUserAsync(tenantA);
        await app.FlushAuditAsync();
        var cursor = (await ListAsync(tenantA, op.Token, "?limit=1")).GetProperty("nextCursor").GetString()!;
        var altered = cursor[..^2] + (cursor[^2] == 'A' ? 'B' : 'A') + cursor[^1];

        var tampered = await app.Api().GetAsync($"/v1/tenants/{tenantA}/audit-events?limit=1&cursor={altered}", op.Token);
        var elsewhere = await app.Api().GetAsync($"/v1/tenants/{tenantB}/audit-events?limit=1&cursor={cursor}", op.Token);
        var otherFilter = await app.Api().GetAsync($"/v1/tenants/{tenantA}/audit-events?limit=1&category=operation&cursor={cursor}", op.Token);
        var genuine = await app.Api().GetAsync($"/v1/tenants/{tenantA}/audit-events?limit=1&cursor={cursor}", op.Token);

        foreach (var response in new[] { tampered, elsewhere, otherFilter })
        {
            var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.Body.GetProperty("errors").TryGetProperty("cursor", out _));
        }

        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
    }

    [Fact]
    public async Task A_tenant_admin_cannot_see_another_tenants_trail()
    {
        var tenantA = await app.CreateTenantAsync();
        var tenantB = await app.CreateTenantAsync();
        var adminA = await app.NewUserAsync(tenantA, ["admin"]);

        var response = await app.Api().GetAsync($"/v1/tenants/{tenantB}/audit-events", adminA.Token);

        Assert.Equal("urn:omakase-robo:problem:not-found", (await Problem.ReadAsync(response, HttpStatusCode.NotFound)).Type);
    }

    [Fact]
    public async Task Bad_query_values_get_field_errors()
    {
        var op = await app.OperatorAsync();
        var tenantId = await app.CreateTenantAsync();

        var response = await app.Api().GetAsync(
            $"/v1/tenants/{tenantId}/audit-events?category=secret&from=yesterday&limit=500", op.Token);
        var backwards = await app.Api().GetAsync(
            $"/v1/tenants/{tenantId}/audit-events?from=2026-11-26T10:00:00Z&to=2026-11-26T09:00:00Z", op.Token);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["category", "from", "limit"], problem.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.True((await Problem.ReadAsync(backwards, HttpStatusCode.BadRequest)).Body.GetProperty("errors").TryGetProperty("to", out _));
    }

    [Fact]
    public async Task Every_request_leaves_an_access_record_and_none_holds_the_token()
    {
        var tenantId = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenantId, ["admin"]);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/tenants/{tenantId}/users");
        request.Headers.Authorization = new("Bearer", admin.Token);
        request.Headers.UserAgent.ParseAdd("audit-test/1.0");
        request.Headers.Add("x-amzn-request-context", """{"requestId":"access-record-1","identity":{"sourceIp":"203.0.113.7"}}""");
        await app.CreateClient().SendAsync(request);
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, $"/v1/tenants/{tenantId}/users");
        anonymous.Headers.Authorization = new("Bearer", "not-a-token");
        anonymous.Headers.Add("X-Correlation-Id", "access-record-2");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().SendAsync(anonymous)).StatusCode);
        await app.FlushAuditAsync();

        var mine = (await ListAsync(tenantId, admin.Token, "?category=access")).GetProperty("items").EnumerateArray()
            .Single(e => e.GetProperty("details").GetProperty("correlationId").GetString() == "access-record-1");
        var platform = await app.StoredEventsAsync("platform", app.Today());
        var refused = platform.Single(e => e.TryGetValue("details", out var d) && d.M.TryGetValue("correlationId", out var c) && c.S == "access-record-2");

        Assert.Equal(admin.UserId, mine.GetProperty("actorId").GetString());
        Assert.Equal("audit-test/1.0", mine.GetProperty("userAgent").GetString());
        Assert.Equal("203.0.113.7", mine.GetProperty("sourceIp").GetString());
        var details = mine.GetProperty("details");
        Assert.Equal("GET", details.GetProperty("method").GetString());
        Assert.Equal("/v1/tenants/{tenantId}/users/", details.GetProperty("route").GetString());
        Assert.Equal("200", details.GetProperty("status").GetString());
        Assert.True(details.TryGetProperty("latencyMs", out _));
        Assert.Equal("401", refused["details"].M["status"].S);
        Assert.False(refused.ContainsKey("actorId"));
        var everything = JsonSerializer.Serialize(platform.Select(e => e.ToDictionary(a => a.Key, a => a.Value.S ?? a.Value.N ?? string.Join(',', a.Value.M?.Select(m => m.Value.S) ?? []))));
        Assert.DoesNotContain(admin.Token, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-token", everything, StringComparison.Ordinal);
    }

    private async Task<JsonElement> ListAsync(string tenantId, string token, string query) =>
        await ApiClient.ReadAsync(await app.Api().GetAsync($"/v1/tenants/{tenantId}/audit-events{query}", token), HttpStatusCode.OK);
}
