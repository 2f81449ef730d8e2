using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Tests.Compliance;
using OmakaseRobo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OmakaseRobo.Tests.Reliability;

/// <summary>
/// Access records of requests made while storage is down are held in memory (their outbox write failed, or was not
/// tried because the request already failed on storage). They are never given up while the process lives: tried again
/// with a growing pause from the clock, tried at once by the next request whose own record reaches storage, and only
/// past the memory bound (or at shutdown) dropped, each logged with every field.
/// </summary>
public sealed partial class HeldAccessRecordTests(ITestOutputHelper output)
{
    private const string Retrying = "Audit records not stored yet";
    private const string Critical = "\"level\":\"Critical\"";

    [Fact]
    public async Task Access_records_held_through_an_outage_are_never_given_up_and_reach_the_chain_once_storage_is_back()
    {
        await using var faulty = FaultyStorage.Start();
        var app = faulty.App;
        var user = await app.NewUserAsync(await app.CreateTenantAsync(), []);
        await app.FlushAuditAsync();

        faulty.Proxy.Reset(); // every storage connection reset, open or new
        var ids = await RequestsAsync(app, user, "outage", 12, HttpStatusCode.ServiceUnavailable);
        await app.FlushAuditAsync(); // every held record tried, and tried once more
        await app.FlushAuditAsync();

        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(Critical, StringComparison.Ordinal));
        faulty.Proxy.Pass();
        await RequestsAsync(app, user, "back", 1, HttpStatusCode.OK);
        await app.FlushAuditAsync();

        var chained = await OutboxSteps.AccessRecordsInChainsAsync(app.AuditTable, ids);
        output.WriteLine($"{ids.Count} requests during the outage: {chained.Count} access records in the chain after it");
        Assert.Equal(ids.Order(StringComparer.Ordinal), chained.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(await OutboxSteps.OutboxEventsAsync(app.AuditTable, AccessRecordMiddleware.Action), e => ids.Contains(e.Detail("correlationId")!));
        var report = await app.RunJobAsync("verify-audit-chain");
        Assert.True(report.GetProperty("verification").GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task The_next_request_whose_record_reaches_storage_puts_the_held_records_in_the_outbox_before_its_answer()
    {
        // In Lambda the environment is frozen between requests: a pause on a timer may not end before the next request,
        // and the environment may be frozen again right after its answer.
        await using var faulty = FaultyStorage.Start();
        var app = faulty.App;
        var user = await app.NewUserAsync(await app.CreateTenantAsync(), []);
        await app.FlushAuditAsync();

        faulty.Proxy.Reset();
        var ids = await RequestsAsync(app, user, "frozen", 5, HttpStatusCode.ServiceUnavailable);
        await app.Logs.WaitForAsync(l => l.Contains(Retrying, StringComparison.Ordinal)); // first try failed: pausing on the clock
        await app.FlushAuditAsync();
        faulty.Proxy.Pass();
        await RequestsAsync(app, user, "thawed", 1, HttpStatusCode.OK); // the clock is not moved: no pause has ended

        // Straight after that answer, with no flush: each held record is in the outbox (the drain's to append if the
        // environment dies now) or already in its chain.
        var inOutbox = (await OutboxSteps.OutboxEventsAsync(app.AuditTable, AccessRecordMiddleware.Action)).Select(e => e.Detail("correlationId")!).Where(ids.Contains);
        var inChain = await OutboxSteps.AccessRecordsInChainsAsync(app.AuditTable, ids);
        output.WriteLine($"after the first answer: {inOutbox.Count()} in the outbox, {inChain.Count} in the chain, of {ids.Count}");
        Assert.Equal(ids.Order(StringComparer.Ordinal), inOutbox.Concat(inChain).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_held_records_send_stuck_on_a_dead_connection_does_not_hold_up_the_next_request_which_still_finds_them_in_the_outbox()
    {
        await using var faulty = FaultyStorage.Start();
        var app = faulty.App;
        app.Settings["Omakase:Dependencies:AccessRecordBudget"] = TimeSpan.FromSeconds(3).ToString(); // what the next request would wait out
        var user = await app.NewUserAsync(await app.CreateTenantAsync(), []);
        await app.FlushAuditAsync();

        faulty.Proxy.BlackHole();
        var ids = await RequestsAsync(app, user, "dead", 1, HttpStatusCode.ServiceUnavailable); // its read went out on a connection now dead
        await faulty.Proxy.DeadConnectionsAsync(2, TimeSpan.FromSeconds(30)); // and so did the put of its held record
        faulty.Proxy.Pass();
        var watch = Stopwatch.StartNew();
        await RequestsAsync(app, user, "next", 1, HttpStatusCode.OK);
        var elapsed = watch.Elapsed;

        var inOutbox = (await OutboxSteps.OutboxEventsAsync(app.AuditTable, AccessRecordMiddleware.Action)).Select(e => e.Detail("correlationId")!).Where(ids.Contains);
        var inChain = await OutboxSteps.AccessRecordsInChainsAsync(app.AuditTable, ids);
        output.WriteLine($"the first request after the fault: {elapsed.TotalMilliseconds:0} ms; its held record then in the outbox {inOutbox.Count()}, in the chain {inChain.Count}");
        Assert.Equal(ids, inOutbox.Concat(inChain).Distinct());
        Assert.True(elapsed < TimeSpan.FromSeconds(2.5), $"{elapsed}: the request waited for a send stuck on a dead connection");
    }

    [Fact]
    public async Task Held_records_are_tried_again_after_a_pause_from_the_clock_that_doubles_up_to_a_minute_for_as_long_as_storage_is_down()
    {
        await using var faulty = FaultyStorage.Start();
        var app = faulty.App;
        var user = await app.NewUserAsync(await app.CreateTenantAsync(), []);
        await app.FlushAuditAsync();

        faulty.Proxy.Reset();
        var ids = await RequestsAsync(app, user, "long", 1, HttpStatusCode.ServiceUnavailable);
        var pauses = new List<TimeSpan>();
        const int Rounds = 12; // more than the ten the buffer used to try before it gave up
        for (var round = 1; round <= Rounds; round++)
        {
            var line = await app.Logs.WaitForAsync(l => l.Contains(Retrying, StringComparison.Ordinal), round);
            var match = PauseText().Match(line);
            Assert.True(match.Success, line);
            pauses.Add(TimeSpan.FromSeconds(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)));
            if (round < Rounds)
            {
                app.Clock.Advance(pauses[^1]); // only the clock ends a pause
            }
        }

        output.WriteLine($"pauses: {string.Join(", ", pauses.Select(p => p.TotalSeconds))} s");
        Assert.Equal(new[] { 1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60 }.Select(s => TimeSpan.FromSeconds(s)), pauses);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(Critical, StringComparison.Ordinal));

        faulty.Proxy.Pass();
        app.Clock.Advance(pauses[^1]);
        await app.Logs.WaitForAsync(l => l.Contains("Held audit records are in the outbox", StringComparison.Ordinal));
        await app.FlushAuditAsync();
        Assert.Equal(ids, await OutboxSteps.AccessRecordsInChainsAsync(app.AuditTable, ids));
    }

    [Fact]
    public async Task Past_the_memory_bound_a_held_record_is_dropped_with_a_log_line_carrying_every_field()
    {
        await using var faulty = FaultyStorage.Start();
        var app = faulty.App;
        app.Settings["Omakase:Dependencies:HeldAuditRecordLimit"] = "2";
        var user = await app.NewUserAsync(await app.CreateTenantAsync(), []);
        await app.FlushAuditAsync();

        faulty.Proxy.Reset();
        var ids = await RequestsAsync(app, user, "bound", 3, HttpStatusCode.ServiceUnavailable);
        var dropped = await app.Logs.WaitForAsync(l => l.Contains(Critical, StringComparison.Ordinal) && l.Contains(ids[2], StringComparison.Ordinal), timeout: TimeSpan.FromSeconds(30));
        output.WriteLine(dropped);

        foreach (var field in new[] { "category access", "tenant platform", "action http.request", "target /v1/me", "outcome failure", "method=GET", "status=503", "route=", "latencyMs=", "occurred 2026-11-26T", "held-records-test/1.0" })
        {
            Assert.Contains(field, dropped, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(Critical, StringComparison.Ordinal) && (l.Contains(ids[0], StringComparison.Ordinal) || l.Contains(ids[1], StringComparison.Ordinal)));
        faulty.Proxy.Pass();
        await RequestsAsync(app, user, "after", 1, HttpStatusCode.OK);
        await app.FlushAuditAsync();
        Assert.Equal(ids[..2].Order(StringComparer.Ordinal), (await OutboxSteps.AccessRecordsInChainsAsync(app.AuditTable, ids)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Records_still_held_when_the_host_stops_are_tried_once_more_then_logged_with_every_field()
    {
        await using var faulty = FaultyStorage.Start();
        var app = faulty.App;
        var user = await app.NewUserAsync(await app.CreateTenantAsync(), []);
        await app.FlushAuditAsync();

        faulty.Proxy.Reset();
        var ids = await RequestsAsync(app, user, "stop", 2, HttpStatusCode.ServiceUnavailable);
        await app.FlushAuditAsync();
        await app.DisposeAsync(); // the host stops while storage is still down

        app.Logs.Lines.Where(l => l.Contains("AuditBuffer", StringComparison.Ordinal)).ToList().ForEach(l => output.WriteLine(l.Length > 400 ? l[..400] : l));
        foreach (var id in ids)
        {
            Assert.Contains(app.Logs.Lines, l => l.Contains(Critical, StringComparison.Ordinal) && l.Contains(id, StringComparison.Ordinal) && l.Contains("action http.request", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// The test host and the app's own run loop both stop the host, so the buffer's stop is called twice at once; the
    /// second call must not end before the first has logged what it dropped (it used to: the test host then read the
    /// logs before the Critical lines were there).
    /// </summary>
    [Fact]
    public async Task Two_stops_at_once_both_end_only_after_the_held_records_are_logged()
    {
        await using var faulty = FaultyStorage.Start();
        var app = faulty.App;
        var user = await app.NewUserAsync(await app.CreateTenantAsync(), []);
        await app.FlushAuditAsync();

        faulty.Proxy.Reset();
        var ids = await RequestsAsync(app, user, "twice", 2, HttpStatusCode.ServiceUnavailable);
        var buffer = app.Services.GetRequiredService<AuditBuffer>();
        var stops = new[] { buffer.StopAsync(CancellationToken.None), buffer.StopAsync(CancellationToken.None) };
        await Task.WhenAny(stops);

        var lines = app.Logs.Lines.ToList();
        foreach (var id in ids)
        {
            Assert.Contains(lines, l => l.Contains(Critical, StringComparison.Ordinal) && l.Contains(id, StringComparison.Ordinal));
        }

        await Task.WhenAll(stops);
        Assert.Equal(ids.Count, app.Logs.Lines.Count(l => l.Contains(Critical, StringComparison.Ordinal)));
    }

    /// <summary>GET /v1/me, each with its own correlation id (which its access record carries); the ids.</summary>
    private static async Task<List<string>> RequestsAsync(OmakaseApp app, SignedIn user, string prefix, int count, HttpStatusCode expected)
    {
        var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{i}-{Guid.NewGuid():N}"[..24]).ToList();
        using var client = app.CreateClient();
        foreach (var id in ids)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/me");
            request.Headers.Authorization = new("Bearer", user.Token);
            request.Headers.Add("X-Correlation-Id", id);
            request.Headers.UserAgent.ParseAdd("held-records-test/1.0");
            using var response = await client.SendAsync(request);
            Assert.Equal(expected, response.StatusCode);
        }

        return ids;
    }

    [GeneratedRegex(@"trying again in ([\d.]+) s")]
    private static partial Regex PauseText();
}
