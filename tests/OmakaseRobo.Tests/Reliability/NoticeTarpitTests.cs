using System.Diagnostics;
using System.Net;
using OmakaseRobo.Tests.Compliance;
using OmakaseRobo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OmakaseRobo.Tests.Reliability;

/// <summary>Notices are never lost and never wait for a receiver: stored with their deliveries, attempted within a bounded window.</summary>
[Collection(TimedAlone.Name)]
public sealed class NoticeTarpitTests(ITestOutputHelper output)
{
    private const int Receivers = 10;

    [Fact]
    public async Task Ten_receivers_that_never_answer_do_not_hold_up_the_notice_and_the_retry_job_delivers_once_they_answer()
    {
        using var app = new OmakaseApp();
        app.Settings["Omakase:Webhooks:AllowLoopbackHttp"] = "true";
        app.Settings["Omakase:Webhooks:InlineBudget"] = "00:00:00.500"; // the default, which the other tests lengthen
        var receivers = await Task.WhenAll(Enumerable.Range(0, Receivers).Select(_ => WebhookReceiver.StartAsync()));
        try
        {
            var api = app.Api();
            var op = await app.OperatorAsync();
            foreach (var receiver in receivers)
            {
                receiver.Hold();
            }

            var tenants = await app.TenantsWithWebhooksAsync(receivers);
            var incident = await app.IncidentForAsync(op, tenants.Select(t => t.Tenant));

            var watch = Stopwatch.StartNew();
            await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/notices", new { kind = "initial", message = "We found a breach." }, op.Token), HttpStatusCode.Created);
            var noticeTime = watch.Elapsed;
            output.WriteLine($"notice to {Receivers} tenants whose receivers hang: answered in {noticeTime.TotalMilliseconds:0} ms");

            foreach (var (tenant, admin, receiver) in tenants)
            {
                var notices = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/notices", admin.Token), HttpStatusCode.OK);
                Assert.Equal(1, notices.GetProperty("items").GetArrayLength());
                var delivery = (await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/webhook", admin.Token), HttpStatusCode.OK)).GetProperty("deliveries")[0];
                Assert.Equal("pending", delivery.GetProperty("status").GetString());
                Assert.Empty(receiver.Received);
            }

            Assert.True(noticeTime < TimeSpan.FromSeconds(1), $"the notice took {noticeTime}");

            foreach (var receiver in receivers)
            {
                receiver.Answer();
            }

            app.Clock.Advance(TimeSpan.FromMinutes(1));
            watch.Restart();
            var retried = await app.RunJobAsync("retry-webhooks");
            output.WriteLine($"retry-webhooks once the receivers answer: {retried} in {watch.Elapsed.TotalMilliseconds:0} ms");

            Assert.Equal(Receivers, retried.GetProperty("attempted").GetInt32());
            foreach (var (tenant, admin, receiver) in tenants)
            {
                var delivery = (await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/webhook", admin.Token), HttpStatusCode.OK)).GetProperty("deliveries")[0];
                Assert.Equal("delivered", delivery.GetProperty("status").GetString());
                Assert.Equal(delivery.GetProperty("deliveryId").GetString(), Assert.Single(receiver.Received).DeliveryId);
            }
        }
        finally
        {
            foreach (var receiver in receivers)
            {
                receiver.Answer();
                await receiver.DisposeAsync();
            }
        }
    }
}
