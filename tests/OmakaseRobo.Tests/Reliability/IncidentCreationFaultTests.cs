using System.Net;
using OmakaseRobo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OmakaseRobo.Tests.Reliability;

/// <summary>An incident to more tenants than one DynamoDB Local transaction holds, cut off between its transactions.</summary>
public sealed class IncidentCreationFaultTests(ITestOutputHelper output)
{
    private const int Tenants = 10; // the incident, its record and 10 links: 12 items, more than DynamoDB Local's 10

    [Fact]
    public async Task An_incident_cut_off_between_its_transactions_is_never_half_linked_and_the_retry_creates_it_once()
    {
        await using var faulty = FaultyStorage.StartPatient(); // storage refuses: no tight budget needed
        var app = faulty.App;
        var api = app.Api();
        var op = await app.OperatorAsync();
        var tenants = new List<(string Tenant, SignedIn Admin)>();
        for (var i = 0; i < Tenants; i++)
        {
            var tenant = await app.CreateTenantAsync();
            tenants.Add((tenant, await app.NewUserAsync(tenant, ["admin"])));
        }

        var body = new { title = "Breach of many", description = "D", affectedTenantIds = tenants.Select(t => t.Tenant).ToArray() };
        faulty.Proxy.RefuseAfter("incident-link", loseAnswer: false); // the first transaction with links commits; then storage is gone
        using var first = await api.PostAsync("/v1/incidents", body, op.Token);
        output.WriteLine($"storage gone after the first transaction: {(int)first.StatusCode}");
        faulty.Proxy.Pass();
        var created = await ApiClient.ReadAsync(await api.PostAsync("/v1/incidents", body, op.Token), HttpStatusCode.Created);
        var incidentId = created.GetProperty("incidentId").GetString();

        var all = (await ApiClient.ReadAsync(await api.GetAsync("/v1/incidents", op.Token), HttpStatusCode.OK)).GetProperty("items");
        var ours = all.EnumerateArray().Where(i => i.GetProperty("title").GetString() == body.title).Select(i => i.GetProperty("incidentId").GetString()).ToList();
        output.WriteLine($"operators see: {string.Join(", ", ours)}");
        Assert.Equal([incidentId], ours);
        foreach (var (tenant, admin) in tenants)
        {
            var theirs = (await ApiClient.ReadAsync(await api.GetAsync("/v1/incidents", admin.Token), HttpStatusCode.OK)).GetProperty("items");
            Assert.Equal([incidentId], theirs.EnumerateArray().Select(i => i.GetProperty("incidentId").GetString()));
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
    }

    [Fact]
    public async Task A_retry_under_the_same_idempotency_key_of_a_creation_whose_answer_was_lost_gets_that_incident_and_makes_no_second()
    {
        await using var faulty = FaultyStorage.StartPatient();
        var app = faulty.App;
        var api = app.Api();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var body = new { title = $"Lost answer {Guid.NewGuid():N}", description = "D", affectedTenantIds = new[] { tenant } };

        faulty.Proxy.RefuseAfter(body.title, loseAnswer: true); // the creation commits; its answer never comes back
        using var first = await api.PostAsync("/v1/incidents", body, op.Token, ("Idempotency-Key", "lost-1"));
        output.WriteLine($"answer lost: {(int)first.StatusCode}");
        faulty.Proxy.Pass();
        var retried = await ApiClient.ReadAsync(await api.PostAsync("/v1/incidents", body, op.Token, ("Idempotency-Key", "lost-1")), HttpStatusCode.Created);

        var all = (await ApiClient.ReadAsync(await api.GetAsync("/v1/incidents", op.Token), HttpStatusCode.OK)).GetProperty("items");
        var ours = all.EnumerateArray().Where(i => i.GetProperty("title").GetString() == body.title).Select(i => i.GetProperty("incidentId").GetString()).ToList();
        Assert.Equal([retried.GetProperty("incidentId").GetString()], ours);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
    }
}
