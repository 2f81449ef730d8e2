using System.Net;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Metrics;
using OmakaseRobo.Tests.Compliance;
using OmakaseRobo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OmakaseRobo.Tests.Reliability;

/// <summary>No state change without its audit record: the record commits with the change (outbox) and the drain appends what is left.</summary>
public sealed class AuditOutboxTests(ITestOutputHelper output)
{
    private const int Steps = 9;

    [Fact]
    public async Task A_fault_at_any_step_of_a_role_change_leaves_the_change_and_its_record_together_or_neither_and_the_drain_leaves_the_chain_whole()
    {
        await using var faulty = FaultyStorage.Start();
        var app = faulty.App;
        var tenant = await app.CreateTenantAsync();
        var op = await app.OperatorAsync();
        var api = app.Api();
        var outcomes = new List<(int Step, HttpStatusCode Status, bool Changed, int InChain, int InOutbox)>();

        for (var step = 0; step < Steps; step++)
        {
            var role = $"step-{step}";
            await app.FlushAuditAsync();
            faulty.Proxy.HangAfter(step); // storage answers `step` calls, then freezes
            using var response = await api.PutAsync($"/v1/tenants/{tenant}/roles/{role}", new { permissions = new[] { "audit:read" } }, op.Token);
            faulty.Proxy.Pass();
            var (changed, inChain, inOutbox) = await SettledAsync(app, tenant, role);
            outcomes.Add((step, response.StatusCode, changed, inChain, inOutbox));
            output.WriteLine($"fault after {step} storage calls: {(int)response.StatusCode}, role {(changed ? "changed" : "unchanged")}, record in chain {inChain}, in outbox {inOutbox}");

            Assert.True(changed ? inChain + inOutbox == 1 : inChain + inOutbox == 0, $"step {step}: changed={changed}, chain={inChain}, outbox={inOutbox}");
        }

        app.Clock.Advance(AuditOutboxDrain.Grace + TimeSpan.FromMinutes(1));
        await app.FlushAuditAsync();
        var report = await app.RunJobAsync("verify-audit-chain");
        output.WriteLine($"drain: {report.GetProperty("outbox")}");

        Assert.Contains(outcomes, o => o.Status == HttpStatusCode.ServiceUnavailable && !o.Changed); // frozen before the commit: neither
        Assert.Contains(outcomes, o => o.Status == HttpStatusCode.OK && o.Changed);
        foreach (var (step, _, changed, _, _) in outcomes)
        {
            Assert.Equal(changed ? 1 : 0, (await app.ChainEventsAsync(tenant, "role.put")).Count(e => e.Target() == $"step-{step}"));
        }

        Assert.Empty(await OutboxSteps.OutboxEventsAsync(app.AuditTable, "role.put"));
        Assert.True(report.GetProperty("verification").GetProperty("intact").GetBoolean());
        Assert.True(report.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Records_left_in_the_outbox_by_a_process_that_died_are_reported_and_appended_once_by_verify_audit_chain()
    {
        using var app = new OmakaseApp();
        var tenant = await app.CreateTenantAsync();
        var trail = app.Services.GetRequiredService<IAuditTrail>();
        var outbox = app.Services.GetRequiredService<AuditOutboxStore>();
        using var metrics = new StringWriter();
        app.Services.GetRequiredService<MetricsWriter>().Output = metrics;
        // What a process leaves that committed five changes and was killed before appending their records.
        var left = Enumerable.Range(0, 5).Select(i => trail.Stage(new AuditEvent(AuditCategory.Operation, tenant, "u_gone", "role.put", $"died-{i}", "success", null, null))).ToList();
        foreach (var pending in left)
        {
            await outbox.PutAsync([pending], CancellationToken.None);
        }

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var young = await app.RunJobAsync("verify-audit-chain");
        app.Clock.Advance(TimeSpan.FromMinutes(4));
        var old = await app.RunJobAsync("verify-audit-chain");
        var again = await app.RunJobAsync("verify-audit-chain");
        output.WriteLine($"after 1 min: {young.GetProperty("outbox")}; after 5 min: {old.GetProperty("outbox")}; once more: {again.GetProperty("outbox")}");

        Assert.Equal(0, young.GetProperty("outbox").GetProperty("found").GetInt32()); // their own process may still be appending them
        Assert.Equal(5, old.GetProperty("outbox").GetProperty("found").GetInt32());
        Assert.Equal(5, old.GetProperty("outbox").GetProperty("appended").GetInt32());
        Assert.InRange(old.GetProperty("outbox").GetProperty("oldestAgeSeconds").GetDouble(), 299, 301);
        Assert.Equal(0, again.GetProperty("outbox").GetProperty("found").GetInt32());
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"died-{i}"), (await app.ChainEventsAsync(tenant, "role.put")).Select(e => e.Target()!).Order(StringComparer.Ordinal));
        Assert.Empty(await OutboxSteps.OutboxEventsAsync(app.AuditTable));
        Assert.True(old.GetProperty("verification").GetProperty("intact").GetBoolean());
        Assert.Contains(metrics.ToString().Split('\n'), l => l.Contains("\"AuditOutboxOldestAgeSeconds\":0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_record_appended_by_two_processes_at_once_is_in_the_chain_once_and_one_whose_change_never_committed_is_never_appended()
    {
        using var app = new OmakaseApp();
        var tenant = await app.CreateTenantAsync();
        var trail = app.Services.GetRequiredService<AuditTrail>();
        var outbox = app.Services.GetRequiredService<AuditOutboxStore>();
        // A second process: its own writers and cached heads, the same tables.
        var other = new AuditTrail(app.Services.GetRequiredService<AuditStore>(), outbox, app.Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditTrail>.Instance);
        var committed = Enumerable.Range(0, 6).Select(i => trail.Stage(new AuditEvent(AuditCategory.Operation, tenant, "u_1", "race.test", $"committed-{i}", "success", null, null))).ToList();
        await outbox.PutAsync(committed, CancellationToken.None);
        var never = trail.Stage(new AuditEvent(AuditCategory.Operation, tenant, "u_1", "race.test", "never-committed", "success", null, null));

        await Task.WhenAll(committed.SelectMany(p => new[] { trail.AppendOrThrowAsync(p, CancellationToken.None), other.AppendOrThrowAsync(p, CancellationToken.None), trail.AppendOrThrowAsync(p, CancellationToken.None) }));
        await trail.AppendOrThrowAsync(never, CancellationToken.None);

        var chain = await app.ChainEventsAsync(tenant, "race.test");
        Assert.Equal(committed.Select(p => p.Event.Target!).Order(StringComparer.Ordinal), chain.Select(e => e.Target()!).Order(StringComparer.Ordinal));
        Assert.Empty(await OutboxSteps.OutboxEventsAsync(app.AuditTable, "race.test"));
        var verification = await app.VerifyAuditAsync((await app.OperatorAsync()).Token, $"?tenantId={tenant}");
        Assert.True(verification.GetProperty("intact").GetBoolean());
    }

    /// <summary>
    /// The role and its record, read until two reads of the record agree around the read of the role: a transaction
    /// released by the proxy may commit between two separate reads.
    /// </summary>
    private static async Task<(bool Changed, int InChain, int InOutbox)> SettledAsync(OmakaseApp app, string tenant, string role)
    {
        using var dynamo = OmakaseApp.Dynamo();
        for (var read = 0; ; read++)
        {
            var before = await RecordsAsync(app, tenant, role);
            var item = await dynamo.GetItemAsync(new GetItemRequest { TableName = app.MainTable, Key = TenantStore.Key(tenant), ConsistentRead = true });
            var after = await RecordsAsync(app, tenant, role);
            if (before == after || read == 50)
            {
                return (item.Item["roles"].M.ContainsKey(role), after.InChain, after.InOutbox);
            }
        }
    }

    private static async Task<(int InChain, int InOutbox)> RecordsAsync(OmakaseApp app, string tenant, string role) =>
        ((await app.ChainEventsAsync(tenant, "role.put")).Count(e => e.Target() == role),
         (await OutboxSteps.OutboxEventsAsync(app.AuditTable, "role.put")).Count(e => e.Target() == role));
}
