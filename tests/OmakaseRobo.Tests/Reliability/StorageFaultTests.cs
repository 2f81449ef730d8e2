using System.Diagnostics;
using System.Net;
using OmakaseRobo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OmakaseRobo.Tests.Reliability;

/// <summary>Storage frozen, storage gone, storage back: the app answers 503 in its budget and recovers by itself.</summary>
public sealed class StorageFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(FaultyStorage.BudgetSeconds + 1);

    [Fact]
    public async Task Frozen_storage_answers_503_with_retry_after_within_the_budget_for_sign_in_me_and_a_write()
    {
        await using var faulty = FaultyStorage.Start();
        var (user, op, tenant) = await PrepareAsync(faulty.App);
        var api = faulty.App.Api();

        faulty.Proxy.Hang();
        var signIn = await FaultyStorage.ExpectUnavailableAsync(output, "frozen: sign-in", () => api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = user.Email, password = user.Password }));
        var me = await FaultyStorage.ExpectUnavailableAsync(output, "frozen: GET /v1/me", () => api.GetAsync("/v1/me", user.Token));
        var write = await FaultyStorage.ExpectUnavailableAsync(output, "frozen: PUT role", () => api.PutAsync($"/v1/tenants/{tenant}/roles/reader-x", new { permissions = new[] { "audit:read" } }, op.Token));

        Assert.All(new[] { signIn, me, write }, elapsed => Assert.True(elapsed < Budget, $"{elapsed} is over the budget"));
        var unavailable = faulty.App.Logs.Lines.Where(l => l.Contains("\"level\":\"Error\"", StringComparison.Ordinal) && l.Contains("Dependency unavailable", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, unavailable.Count); // once per request
        // The dependency that failed, or the request's own budget when a wait on storage outlasted it.
        Assert.All(unavailable, line => Assert.True(line.Contains("dynamodb", StringComparison.Ordinal) || line.Contains("request-budget", StringComparison.Ordinal), line));
    }

    [Fact]
    public async Task Frozen_storage_answers_503_well_inside_api_gateways_29_seconds_with_the_production_budget()
    {
        await using var faulty = FaultyStorage.Start(production: true);
        var (user, _, tenant) = await PrepareAsync(faulty.App, withOperator: false);
        var api = faulty.App.Api();

        faulty.Proxy.Hang();
        var signIn = await FaultyStorage.ExpectUnavailableAsync(output, "frozen, production budget: sign-in", () => api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = user.Email, password = user.Password }));

        Assert.True(signIn < TimeSpan.FromSeconds(12), $"{signIn} is over the 10 s request budget");
    }

    [Fact]
    public async Task Storage_down_answers_503_at_once_and_the_app_recovers_without_a_restart()
    {
        await using var faulty = FaultyStorage.Start();
        var (user, op, tenant) = await PrepareAsync(faulty.App);
        var api = faulty.App.Api();

        faulty.Proxy.Refuse();
        var down = await FaultyStorage.ExpectUnavailableAsync(output, "down: GET /v1/me", () => api.GetAsync("/v1/me", user.Token));
        await FaultyStorage.ExpectUnavailableAsync(output, "down: sign-in", () => api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = user.Email, password = user.Password }));
        faulty.Proxy.Hang();
        await FaultyStorage.ExpectUnavailableAsync(output, "frozen: PUT role", () => api.PutAsync($"/v1/tenants/{tenant}/roles/reader-x", new { permissions = new[] { "audit:read" } }, op.Token));

        faulty.Proxy.Pass();
        var watch = Stopwatch.StartNew();
        await ApiClient.ReadAsync(await api.GetAsync("/v1/me", user.Token), HttpStatusCode.OK);
        await faulty.App.LoginAsync(tenant, user.Email, user.Password);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/reader-x", new { permissions = new[] { "audit:read" } }, op.Token), HttpStatusCode.OK);
        output.WriteLine($"recovered: me, sign-in and a write in {watch.Elapsed.TotalMilliseconds:0} ms");

        Assert.True(down < Budget);
    }

    [Fact]
    public async Task Sign_in_under_a_fault_is_never_a_failure_that_counts_towards_lock_out()
    {
        await using var faulty = FaultyStorage.Start();
        var (user, _, tenant) = await PrepareAsync(faulty.App, withOperator: false);
        var api = faulty.App.Api();

        faulty.Proxy.Hang();
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            await FaultyStorage.ExpectUnavailableAsync(output, $"frozen: wrong password #{attempt}", () => api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = user.Email, password = "Wrong-Password-123" }));
        }

        faulty.Proxy.Pass();
        var session = await faulty.App.LoginAsync(tenant, user.Email, user.Password);

        Assert.False(string.IsNullOrEmpty(session.GetProperty("accessToken").GetString()));
    }

    [Fact]
    public async Task The_readiness_check_answers_at_once_while_storage_is_frozen_and_leaves_no_record()
    {
        await using var faulty = FaultyStorage.Start();
        var (user, _, _) = await PrepareAsync(faulty.App, withOperator: false);
        var client = faulty.App.CreateClient();

        faulty.Proxy.Hang();
        var watch = Stopwatch.StartNew();
        using var probe = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        probe.Headers.Add("X-Correlation-Id", "readiness-probe-1");
        var health = await client.SendAsync(probe);
        watch.Stop();
        output.WriteLine($"frozen: GET /healthz {(int)health.StatusCode} in {watch.Elapsed.TotalMilliseconds:0} ms");
        faulty.Proxy.Pass();
        await ApiClient.ReadAsync(await faulty.App.Api().GetAsync("/v1/me", user.Token), HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"{watch.Elapsed} waited on storage");
        using var dynamo = OmakaseApp.Dynamo();
        var items = await dynamo.ScanAsync(new Amazon.DynamoDBv2.Model.ScanRequest { TableName = faulty.App.AuditTable });
        Assert.DoesNotContain(items.Items, i => i.Values.Any(Names)); // neither in a chain nor in the outbox

        static bool Names(Amazon.DynamoDBv2.Model.AttributeValue value) => value.S == "readiness-probe-1" || (value.M?.Values.Any(Names) ?? false);
    }

    private static async Task<(SignedIn User, SignedIn Operator, string Tenant)> PrepareAsync(OmakaseApp app, bool withOperator = true)
    {
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var op = withOperator ? await app.OperatorAsync() : user;
        return (user, op, tenant);
    }
}
