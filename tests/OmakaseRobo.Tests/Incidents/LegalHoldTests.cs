using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Features.Incidents;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Infrastructure;
using OmakaseRobo.Api.Platform.Text;

namespace OmakaseRobo.Tests.Incidents;

public sealed class LegalHoldTests
{
    private static async Task<(OmakaseApp App, SignedIn Operator, string Tenant, SignedIn Admin, string Incident)> IncidentWithRecordsAsync()
    {
        var app = new OmakaseApp();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]); // sign-in, password change, MFA: auth records of the tenant
        await app.LoginAsync(tenant, admin.Email, "Wrong-Password-000", HttpStatusCode.Unauthorized);
        var incident = (await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/incidents", new { title = "Suspicious", description = "D", affectedTenantIds = new[] { tenant } }, op.Token), HttpStatusCode.Created))
            .GetProperty("incidentId").GetString()!;
        await app.FlushAuditAsync();
        return (app, op, tenant, admin, incident);
    }

    private static async Task<List<Dictionary<string, AttributeValue>>> ChainItemsAsync(OmakaseApp app, string tenant)
    {
        using var dynamo = OmakaseApp.Dynamo();
        var items = (await dynamo.ScanAsync(new ScanRequest { TableName = app.AuditTable })).Items;
        return [.. items.Where(i => i["pk"].S.StartsWith($"AUDIT#{tenant}#", StringComparison.Ordinal)
            || (i["pk"].S == $"AUDIT-CHAINS#{tenant}" && i["sk"].S.StartsWith("DAY#", StringComparison.Ordinal)))];
    }

    [Fact]
    public async Task The_evidence_export_holds_the_records_with_a_manifest_that_verifies_and_is_itself_audited()
    {
        var (app, op, tenant, _, incident) = await IncidentWithRecordsAsync();
        using var owned = app;
        var api = app.Api();
        var from = OmakaseApp.Start.AddHours(-1);
        var to = app.Clock.GetUtcNow().AddHours(1);
        var hold = await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/legal-holds", new { tenantId = tenant, from, to }, op.Token), HttpStatusCode.Created);
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/legal-holds", new { tenantId = tenant, from = OmakaseApp.Start.AddMinutes(-30), to }, op.Token), HttpStatusCode.Created);

        var export = await ApiClient.ReadAsync(await api.GetAsync($"/v1/incidents/{incident}/evidence", op.Token), HttpStatusCode.OK);
        var listed = await ApiClient.ReadAsync(await api.GetAsync($"/v1/incidents/{incident}/legal-holds", op.Token), HttpStatusCode.OK);

        Assert.Equal(1, hold.GetProperty("chainsHeld").GetInt32());
        Assert.Equal([1, 1], listed.GetProperty("items").EnumerateArray().Select(h => h.GetProperty("chainsHeld").GetInt32()));
        Assert.Equal([1, 1], export.GetProperty("holds").EnumerateArray().Select(h => h.GetProperty("chainsHeld").GetInt32()));
        var records = export.GetProperty("records").EnumerateArray().ToList();
        Assert.NotEmpty(records);
        var eventIds = records.Select(r => JsonDocument.Parse(r.GetProperty("data").GetString()!).RootElement.GetProperty("eventId").GetString()).ToList();
        Assert.Equal(eventIds.Count, eventIds.Distinct().Count()); // the two holds overlap: each record is exported once
        foreach (var record in records)
        {
            var data = record.GetProperty("data").GetString()!;
            Assert.Equal(TextDigest.Sha256Hex(data), record.GetProperty("sha256").GetString());
            Assert.Equal(tenant, JsonDocument.Parse(data).RootElement.GetProperty("tenantId").GetString());
        }

        var manifest = export.GetProperty("manifest");
        Assert.Equal(records.Count, manifest.GetProperty("recordCount").GetInt32());
        Assert.Equal(TextDigest.Sha256Hex(string.Concat(records.Select(r => r.GetProperty("sha256").GetString() + "\n"))), manifest.GetProperty("sha256").GetString());
        Assert.True(export.GetProperty("verifications")[0].GetProperty("verification").GetProperty("intact").GetBoolean());
        Assert.True(export.GetProperty("complete").GetBoolean());
        Assert.Contains(records, r => r.GetProperty("data").GetString()!.Contains("\"action\":\"sign-in\"", StringComparison.Ordinal));
        await app.FlushAuditAsync();
        var platformEvents = await app.StoredEventsAsync("platform", app.Today());
        Assert.Contains(platformEvents, e => e["action"].S == "evidence.export" && e["details"].M["manifestSha256"].S == manifest.GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task A_window_that_ends_at_midnight_holds_no_chain_of_the_day_after_it()
    {
        var (app, op, tenant, admin, incident) = await IncidentWithRecordsAsync();
        using var owned = app;
        var midnight = OmakaseApp.Start.AddDays(1);
        app.Clock.Advance(midnight - app.Clock.GetUtcNow() + TimeSpan.FromHours(2));
        await app.LoginAsync(tenant, admin.Email, "Wrong-Password-000", HttpStatusCode.Unauthorized); // a record of the next day
        await app.FlushAuditAsync();
        var token = await app.SignInAgainAsync(op);

        var hold = await ApiClient.ReadAsync(
            await app.Api().PostAsync($"/v1/incidents/{incident}/legal-holds", new { tenantId = tenant, from = OmakaseApp.Start, to = midnight }, token), HttpStatusCode.Created);

        Assert.Equal(1, hold.GetProperty("chainsHeld").GetInt32()); // the window's one day; the chain of the day after stays purgeable
    }

    [Fact]
    public async Task A_hold_removes_the_expiry_of_its_chains_the_hourly_job_keeps_it_so_and_a_release_gives_it_back()
    {
        var (app, op, tenant, admin, incident) = await IncidentWithRecordsAsync();
        using var owned = app;
        var api = app.Api();
        var before = await ChainItemsAsync(app, tenant);
        var hold = await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/legal-holds", new { tenantId = tenant, from = OmakaseApp.Start, to = OmakaseApp.Start.AddDays(1) }, op.Token), HttpStatusCode.Created);
        var held = await ChainItemsAsync(app, tenant);
        await app.LoginAsync(tenant, admin.Email, "Wrong-Password-001", HttpStatusCode.Unauthorized); // appended to the held chain
        await app.FlushAuditAsync();
        await ApiClient.ReadAsync(await app.CreateClient().PostAsync(new Uri("/events", UriKind.Relative),
            new StringContent(RepositoryFiles.Read("events/verify-audit-chain.json"), Encoding.UTF8, "application/json")), HttpStatusCode.OK);
        var appended = await ChainItemsAsync(app, tenant);
        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/incidents/{incident}/legal-holds/{hold.GetProperty("holdId").GetString()}", op.Token), HttpStatusCode.NoContent);
        var released = await ChainItemsAsync(app, tenant);

        Assert.All(before, i => Assert.True(i.ContainsKey("ttl")));
        Assert.All(held, i => Assert.False(i.ContainsKey("ttl")));
        Assert.True(appended.Count > held.Count);
        Assert.All(appended, i => Assert.False(i.ContainsKey("ttl")));
        Assert.All(released, i => Assert.True(i.ContainsKey("ttl")));
    }

    [Fact]
    public async Task The_hourly_job_holds_chains_begun_inside_a_window_after_the_hold_was_placed()
    {
        var (app, op, tenant, admin, incident) = await IncidentWithRecordsAsync();
        using var owned = app;
        await ApiClient.ReadAsync(await app.Api().PostAsync($"/v1/incidents/{incident}/legal-holds", new { tenantId = tenant, from = OmakaseApp.Start, to = OmakaseApp.Start.AddDays(3) }, op.Token), HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromDays(1));
        await app.LoginAsync(tenant, admin.Email, "Wrong-Password-002", HttpStatusCode.Unauthorized); // a new day: a new chain, with ttl
        await app.FlushAuditAsync();
        var fresh = (await ChainItemsAsync(app, tenant)).Count(i => i.ContainsKey("ttl"));

        var report = await ApiClient.ReadAsync(await app.CreateClient().PostAsync(new Uri("/events", UriKind.Relative),
            new StringContent(RepositoryFiles.Read("events/verify-audit-chain.json"), Encoding.UTF8, "application/json")), HttpStatusCode.OK);

        Assert.True(fresh > 0);
        Assert.True(report.GetProperty("ok").GetBoolean());
        Assert.True(report.GetProperty("verification").GetProperty("intact").GetBoolean());
        Assert.DoesNotContain(await ChainItemsAsync(app, tenant), i => i.ContainsKey("ttl"));
    }

    [Fact]
    public async Task A_hold_needs_a_tenant_the_incident_concerns_and_a_sane_window()
    {
        var (app, op, _, _, incident) = await IncidentWithRecordsAsync();
        using var owned = app;
        var other = await app.CreateTenantAsync();
        var api = app.Api();

        var stranger = await Problem.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/legal-holds", new { tenantId = other, from = OmakaseApp.Start, to = OmakaseApp.Start.AddDays(1) }, op.Token), HttpStatusCode.BadRequest);
        var backwards = await Problem.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/legal-holds", new { tenantId = other, from = OmakaseApp.Start, to = OmakaseApp.Start.AddDays(-1) }, op.Token), HttpStatusCode.BadRequest);
        var missing = await api.PostAsync("/v1/incidents/i_nosuchincident000000/legal-holds", new { tenantId = other, from = OmakaseApp.Start, to = OmakaseApp.Start.AddDays(1) }, op.Token);

        Assert.True(stranger.Body.GetProperty("errors").TryGetProperty("tenantId", out _));
        Assert.Equal("The end must come after the start.", backwards.Body.GetProperty("errors").GetProperty("to")[0].GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Held_records_survive_the_purge_job_past_thirty_days_and_the_evidence_still_verifies()
    {
        var (app, op, tenant, _, incident) = await IncidentWithRecordsAsync();
        using var owned = app;
        var api = app.Api();
        var other = await app.CreateTenantAsync();
        await app.NewUserAsync(other, []);
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/legal-holds", new { tenantId = tenant, from = OmakaseApp.Start, to = OmakaseApp.Start.AddDays(1) }, op.Token), HttpStatusCode.Created);
        await app.FlushAuditAsync();
        var day = app.Today();
        var held = (await app.StoredEventsAsync(tenant, day)).Count;
        Assert.NotEmpty(await app.StoredEventsAsync(other, day));

        app.Clock.Advance(TimeSpan.FromDays(32));
        var purge = await ApiClient.ReadAsync(await app.CreateClient().PostAsync(new Uri("/events", UriKind.Relative),
            new StringContent(RepositoryFiles.Read("events/purge-records.json"), Encoding.UTF8, "application/json")), HttpStatusCode.OK);
        var token = await app.SignInWithMfaAsync(op);
        var export = await ApiClient.ReadAsync(await api.GetAsync($"/v1/incidents/{incident}/evidence", token), HttpStatusCode.OK);

        Assert.True(purge.GetProperty("held").GetProperty("chains").GetInt32() >= 1);
        Assert.Equal(held, (await app.StoredEventsAsync(tenant, day)).Count);
        Assert.Empty(await app.StoredEventsAsync(other, day)); // not held: purged
        Assert.Equal(held, export.GetProperty("records").GetArrayLength());
        Assert.True(export.GetProperty("verifications")[0].GetProperty("verification").GetProperty("intact").GetBoolean());
    }
}
