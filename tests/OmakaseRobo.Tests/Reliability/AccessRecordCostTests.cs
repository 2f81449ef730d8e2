using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OmakaseRobo.Tests.Reliability;

/// <summary>
/// What a durable access record costs GET /v1/me, side by side in one run with the reference (the record only queued
/// in memory, as before the outbox):
/// <c>dotnet test tests/OmakaseRobo.Tests --filter FullyQualifiedName~AccessRecordCostTests --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class AccessRecordCostTests(ITestOutputHelper output)
{
    private const int Warmup = 30;
    private const int Measured = 300;

    [Fact]
    public async Task Every_access_record_is_stored_before_its_answer_and_the_cost_to_get_v1_me_is_measured_against_the_queued_reference()
    {
        using var durable = new OmakaseApp();
        using var reference = new OmakaseApp();
        using var queued = reference.WithWebHostBuilder(host => host.ConfigureServices(services =>
        {
            services.RemoveAll<IAccessRecords>();
            services.AddSingleton<IAccessRecords, QueuedOnly>();
        }));
        var durableUser = await durable.NewUserAsync(await durable.CreateTenantAsync(), []);
        var referenceUser = await reference.NewUserAsync(await reference.CreateTenantAsync(), []);
        var durableClient = new ApiClient(durable.CreateClient());
        var queuedClient = new ApiClient(queued.CreateClient());

        var durableTimes = new List<double>();
        var queuedTimes = new List<double>();
        for (var i = 0; i < Warmup + Measured; i++)
        {
            // Interleaved, so both see the same load on the box.
            var d = await TimeAsync(durableClient, durableUser.Token);
            var q = await TimeAsync(queuedClient, referenceUser.Token);
            if (i >= Warmup)
            {
                durableTimes.Add(d);
                queuedTimes.Add(q);
            }
        }

        durableTimes.Sort();
        queuedTimes.Sort();
        output.WriteLine($"GET /v1/me, {Measured} requests each, interleaved, DynamoDB Local on this box:");
        output.WriteLine($"  record durable before the answer: p50 {P(durableTimes, 0.5):0.00} ms, p95 {P(durableTimes, 0.95):0.00} ms, mean {durableTimes.Average():0.00} ms");
        output.WriteLine($"  record queued in memory (before): p50 {P(queuedTimes, 0.5):0.00} ms, p95 {P(queuedTimes, 0.95):0.00} ms, mean {queuedTimes.Average():0.00} ms");
        output.WriteLine($"  ratio durable/queued: p50 {P(durableTimes, 0.5) / P(queuedTimes, 0.5):0.00}, mean {durableTimes.Average() / queuedTimes.Average():0.00}");

        for (var i = 0; i < 10; i++)
        {
            var id = $"durable-{i}-{Guid.NewGuid():N}"[..24];
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/me");
            request.Headers.Authorization = new("Bearer", durableUser.Token);
            request.Headers.Add("X-Correlation-Id", id);
            using var response = await durable.CreateClient().SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // Straight after the answer, with no flush: in the outbox, or already in its chain.
            var inOutbox = (await OutboxSteps.OutboxEventsAsync(durable.AuditTable, AccessRecordMiddleware.Action)).Any(e => e.Detail("correlationId") == id);
            var inChain = (await durable.StoredEventsAsync(durableUser.TenantId, durable.Today())).Any(e => e.Detail("correlationId") == id);
            Assert.True(inOutbox || inChain, $"the access record of {id} was not stored when its answer came");
        }
    }

    private static async Task<double> TimeAsync(ApiClient client, string token)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync("/v1/me", token);
        await response.Content.ReadAsByteArrayAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return elapsed;
    }

    private static double P(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    /// <summary>The reference: the record only held in memory and stored behind the answer, as before the outbox.</summary>
    private sealed class QueuedOnly(AuditBuffer buffer, IAuditTrail trail) : IAccessRecords
    {
        public Task RecordAsync(HttpContext context, AuditEvent record)
        {
            buffer.Hold(trail.Stage(record));
            return Task.CompletedTask;
        }
    }
}
