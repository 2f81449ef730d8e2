using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OmakaseRobo.Tests.Reliability;

/// <summary>An app killed without warning right after its answers (as Lambda may kill a frozen environment) loses no access record.</summary>
public sealed class AccessRecordKillTests(ITestOutputHelper output)
{
    private const int Requests = 40;

    [Fact]
    public async Task An_app_killed_with_sigkill_right_after_its_answers_loses_no_access_record_and_the_drain_appends_what_was_left()
    {
        using var process = await AppProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(process.Url) };
        var ids = Enumerable.Range(0, Requests).Select(i => $"kill-{i}-{Guid.NewGuid():N}"[..24]).ToList();
        foreach (var round in ids.Chunk(10))
        {
            await Task.WhenAll(round.Select(async id =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/me"); // anonymous: a 401, recorded as every request but the readiness check
                request.Headers.Add("X-Correlation-Id", id);
                using var response = await http.SendAsync(request);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }));
        }

        process.Signal("KILL", group: false); // no SIGTERM, no shutdown: whatever was only in memory is gone
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(10)));

        var chained = await OutboxSteps.AccessRecordsInChainsAsync(process.AuditTable, ids);
        var queued = (await OutboxSteps.OutboxEventsAsync(process.AuditTable, AccessRecordMiddleware.Action)).Select(e => e.Detail("correlationId")!).Where(ids.Contains).ToList();
        output.WriteLine($"killed after {Requests} answers: {chained.Count} access records in the chain, {queued.Count} in the outbox, {Requests - chained.Count - queued.Count} lost");
        Assert.Equal(ids.Order(StringComparer.Ordinal), chained.Concat(queued).Order(StringComparer.Ordinal));

        // The drain of verify-audit-chain, later, from another process on the same tables.
        using var drainer = new OmakaseApp();
        drainer.Settings["Omakase:Tables:Main"] = process.MainTable;
        drainer.Settings["Omakase:Tables:Audit"] = process.AuditTable;
        drainer.Clock.SetUtcNow(DateTimeOffset.UtcNow + AuditOutboxDrain.Grace + TimeSpan.FromMinutes(1));
        var drained = await drainer.Services.GetRequiredService<AuditOutboxDrain>().DrainAsync(CancellationToken.None);
        output.WriteLine($"drain: {drained}");

        Assert.Equal(ids.Order(StringComparer.Ordinal), (await OutboxSteps.AccessRecordsInChainsAsync(process.AuditTable, ids)).Order(StringComparer.Ordinal));
        Assert.Empty(await OutboxSteps.OutboxEventsAsync(process.AuditTable, AccessRecordMiddleware.Action));
        var verification = await drainer.Services.GetRequiredService<AuditIntegrityService>().VerifyAsync("platform", null, null, requestedBy: null, CancellationToken.None);
        Assert.True(verification.Intact, verification.Problem);
    }
}
