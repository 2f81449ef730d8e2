using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Audit;

public sealed class ConcurrentWritersTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task Thirty_two_writers_in_two_processes_leave_one_chain_without_gap_or_fork()
    {
        var tenantId = await app.CreateTenantAsync();
        await app.FlushAuditAsync();
        var before = (await app.StoredEventsAsync(tenantId, app.Today())).Count;
        // Two trails with their own heads in memory, as two Lambda instances would have; only the store keeps them in line.
        var trails = new IAuditTrail[]
        {
            app.Services.GetRequiredService<IAuditTrail>(),
            new AuditTrail(
                app.Services.GetRequiredService<AuditStore>(), app.Services.GetRequiredService<AuditOutboxStore>(), app.Clock,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditTrail>.Instance),
        };

        await Task.WhenAll(Enumerable.Range(0, 32).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await trails[(writer + i) % 2].WriteAsync(
                    new AuditEvent(AuditCategory.Operation, tenantId, $"writer-{writer}", "load.test", $"{writer}-{i}", "success", null, null),
                    CancellationToken.None);
            }
        })));

        var stored = await app.StoredEventsAsync(tenantId, app.Today());
        Assert.Equal(before + 32 * 20, stored.Count);
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), stored.Select(e => e["seq"].N));
        Assert.All(stored.Skip(1).Zip(stored), pair => Assert.Equal(pair.Second["hash"].S, pair.First["prevHash"].S));
        Assert.Equal(32 * 20, stored.Where(e => e["action"].S == "load.test").Select(e => e["target"].S).Distinct().Count());
        var verification = await app.VerifyAuditAsync((await app.OperatorAsync()).Token, $"?tenantId={tenantId}");
        Assert.True(verification.GetProperty("intact").GetBoolean(), verification.ToString());
    }

    [Fact]
    public async Task Events_of_one_writer_keep_their_order_in_the_chain()
    {
        var tenantId = await app.CreateTenantAsync();
        var trail = app.Services.GetRequiredService<IAuditTrail>();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            trail.WriteAsync(new AuditEvent(AuditCategory.Operation, tenantId, null, "ordered", i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), "success", null, null), CancellationToken.None)));

        var targets = (await app.StoredEventsAsync(tenantId, app.Today())).Where(e => e["action"].S == "ordered").Select(e => e["target"].S).ToList();
        Assert.Equal(targets.Order(StringComparer.Ordinal), targets);
    }
}
