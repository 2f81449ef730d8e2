using System.Net;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Audit;

public sealed class AccessRecordDrainTests
{
    [Fact]
    public async Task Access_records_still_queued_at_shutdown_are_all_stored()
    {
        using var isolated = new OmakaseApp();
        // Storage of access records is held back until shutdown begins, so every record is still queued when it does.
        var app = isolated.WithWebHostBuilder(host => host.ConfigureServices(services =>
        {
            services.RemoveAll<IAuditTrail>();
            services.AddSingleton<IAuditTrail>(sp => new HeldUntilShutdown(
                sp.GetRequiredService<AuditTrail>(),
                sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping));
        }));
        var client = app.CreateClient();
        var ids = Enumerable.Range(0, 40).Select(i => $"drain-{i}").ToList();
        foreach (var id in ids)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/me"); // anonymous: a 401, recorded as every request but the readiness check
            request.Headers.Add("X-Correlation-Id", id);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(request)).StatusCode);
        }

        var beforeShutdown = await AccessRecordIdsAsync(isolated);
        await app.DisposeAsync();
        var afterShutdown = await AccessRecordIdsAsync(isolated);

        Assert.Empty(beforeShutdown);
        Assert.Equal(ids.Order(StringComparer.Ordinal), afterShutdown.Where(ids.Contains).Order(StringComparer.Ordinal));
    }

    private static async Task<List<string>> AccessRecordIdsAsync(OmakaseApp app)
    {
        using var dynamo = OmakaseApp.Dynamo();
        var scan = await dynamo.ScanAsync(new ScanRequest
        {
            TableName = app.AuditTable,
            FilterExpression = "#category = :access",
            ExpressionAttributeNames = new() { ["#category"] = "category" },
            ExpressionAttributeValues = new() { [":access"] = new(AuditCategory.Access) },
        });
        return [.. (scan.Items ?? []).Select(i => i["details"].M["correlationId"].S)];
    }

    private sealed class HeldUntilShutdown(IAuditTrail inner, CancellationToken stopping) : IAuditTrail
    {
        private readonly Task released = Released(stopping);

        public Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken) => inner.WriteAsync(auditEvent, cancellationToken);

        public PendingAudit Stage(AuditEvent auditEvent) => inner.Stage(auditEvent);

        public async Task AppendAsync(PendingAudit pending, CancellationToken cancellationToken)
        {
            if (pending.Event.Category == AuditCategory.Access)
            {
                await released;
            }

            await inner.AppendAsync(pending, cancellationToken);
        }

        private static Task Released(CancellationToken stopping)
        {
            var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            stopping.Register(() => released.TrySetResult());
            return released.Task;
        }
    }
}
