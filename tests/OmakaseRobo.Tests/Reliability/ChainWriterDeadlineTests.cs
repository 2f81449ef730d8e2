using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OmakaseRobo.Tests.Reliability;

/// <summary>
/// A chain's writer appends one batch at a time, so a write stuck on a dead connection holds up every write of its
/// chain behind it. The writer gives each send its own deadline (on the injected clock) and sends the same transaction
/// again, with the same token, on a fresh connection: the queue moves on, and a transaction that did reach storage is
/// not applied twice. Here the SDK's own attempt timeout is 10 s; the writer's deadline 1 s.
/// </summary>
public sealed class ChainWriterDeadlineTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(4); // well under the SDK's 10 s attempt, with room for a loaded box

    [Fact]
    public async Task An_append_stuck_on_a_dead_connection_is_given_up_at_the_writers_deadline_so_the_next_audited_request_does_not_wait_for_it()
    {
        await using var faulty = FaultyStorage.Start();
        var (app, tenant, op) = await PrepareAsync(faulty);
        var api = app.Api();

        faulty.Proxy.BlackHole();
        var stuck = app.Services.GetRequiredService<IAuditTrail>().WriteAsync(Event(tenant, "stuck.append"), CancellationToken.None);
        await faulty.Proxy.DeadConnectionsAsync(1, TimeSpan.FromSeconds(30)); // the append went out on a connection that is now dead
        faulty.Proxy.Pass(); // storage is back; that connection stays dead
        app.Clock.Advance(Deadline);

        // An operator reaching the tenant: its privileged-access record is written to the same chain before the answer.
        var watch = Stopwatch.StartNew();
        using var response = await api.GetAsync($"/v1/tenants/{tenant}/users", op.Token);
        var elapsed = watch.Elapsed;
        output.WriteLine($"the audited request after the fault ended: {(int)response.StatusCode} in {elapsed.TotalMilliseconds:0} ms");
        await stuck.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(elapsed < Quick, $"{elapsed} waited behind the stuck append"); // the request's own budget is 5 s: 503 when it waits that long
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await app.ChainEventsAsync(tenant, "stuck.append"));
        Assert.Equal(2, (await app.ChainEventsAsync(tenant, "privileged-access")).Count);
        Assert.True((await app.VerifyAuditAsync(op.Token, $"?tenantId={tenant}")).GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task An_append_whose_answer_was_lost_is_sent_again_as_the_same_transaction_and_is_in_the_chain_once()
    {
        await using var faulty = FaultyStorage.Start();
        var (app, tenant, op) = await PrepareAsync(faulty);

        faulty.Proxy.LoseAnswers();
        var lost = app.Services.GetRequiredService<IAuditTrail>().WriteAsync(Event(tenant, "answer.lost"), CancellationToken.None);
        await faulty.Proxy.DeadConnectionsAsync(1, TimeSpan.FromSeconds(30)); // storage committed it; the answer is gone
        faulty.Proxy.Pass();
        var watch = Stopwatch.StartNew();
        app.Clock.Advance(Deadline);
        await lost.WaitAsync(TimeSpan.FromSeconds(30));
        var elapsed = watch.Elapsed;
        output.WriteLine($"the append whose answer was lost returned {elapsed.TotalMilliseconds:0} ms after the fault ended");

        Assert.True(elapsed < Quick, $"{elapsed}: the append waited out the SDK's attempt timeout");
        Assert.Single(await app.ChainEventsAsync(tenant, "answer.lost"));
        Assert.True((await app.VerifyAuditAsync(op.Token, $"?tenantId={tenant}")).GetProperty("intact").GetBoolean());

        // The writer's head is right: the next append links after it.
        await app.Services.GetRequiredService<IAuditTrail>().WriteAsync(Event(tenant, "after.lost"), CancellationToken.None);
        Assert.True((await app.VerifyAuditAsync(op.Token, $"?tenantId={tenant}")).GetProperty("intact").GetBoolean());
    }

    /// <summary>The app with a tenant an operator has reached once, so the writer of its chain holds the head in memory.</summary>
    private static async Task<(OmakaseApp App, string Tenant, SignedIn Operator)> PrepareAsync(FaultyStorage faulty)
    {
        var app = faulty.App;
        app.Settings["Omakase:Dependencies:AuditAppendAttempt"] = Deadline.ToString();
        var tenant = await app.CreateTenantAsync();
        var op = await app.OperatorAsync();
        await ApiClient.ReadAsync(await app.Api().GetAsync($"/v1/tenants/{tenant}/users", op.Token), HttpStatusCode.OK);
        await app.FlushAuditAsync(); // nothing of the app's own in flight when the fault starts
        return (app, tenant, op);
    }

    private static AuditEvent Event(string tenant, string action) =>
        new(AuditCategory.Operation, tenant, "u_deadline", action, "chain-writer", "success", null, null);
}
