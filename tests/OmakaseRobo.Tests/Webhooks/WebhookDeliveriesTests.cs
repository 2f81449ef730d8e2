using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Features.Webhooks;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Webhooks;

/// <summary>Many deliveries for one tenant: the webhook shows the newest, and one retry sweep reaches every due one.</summary>
public sealed class WebhookDeliveriesTests
{
    [Fact]
    public async Task The_webhook_lists_the_fifty_newest_deliveries_and_one_sweep_retries_all_hundred_and_ten_that_are_due()
    {
        using var app = new OmakaseApp();
        app.Settings["Omakase:Webhooks:AllowLoopbackHttp"] = "true";
        await using var receiver = await WebhookReceiver.StartAsync();
        var api = app.Api();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        await ApiClient.ReadAsync(
            await api.PutAsync($"/v1/tenants/{tenant}/webhook", new { url = receiver.Url, secret = "secret-of-the-tenant-0123456789abcdef" }, admin.Token), HttpStatusCode.OK);
        var incident = (await ApiClient.ReadAsync(
            await api.PostAsync("/v1/incidents", new { title = "T", description = "D", affectedTenantIds = new[] { tenant } }, op.Token), HttpStatusCode.Created))
            .GetProperty("incidentId").GetString();
        var sentAt = new List<DateTimeOffset>();
        for (var i = 0; i < 110; i++)
        {
            receiver.Answers.Enqueue(500); // the attempt made at once fails: every delivery stays pending
            sentAt.Add(app.Clock.GetUtcNow());
            await ApiClient.ReadAsync(
                await api.PostAsync($"/v1/incidents/{incident}/notices", new { kind = i == 0 ? "initial" : "update", message = $"Notice {i}" }, op.Token), HttpStatusCode.Created);
            app.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var listed = (await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/webhook", admin.Token), HttpStatusCode.OK))
            .GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("createdAt").GetDateTimeOffset()).ToList();
        Assert.Equal(Enumerable.Reverse(sentAt).Take(50), listed);

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(110, await app.Services.GetRequiredService<WebhookDispatcher>().RetryDueAsync(CancellationToken.None));
        Assert.Equal(0, await app.Services.GetRequiredService<WebhookDispatcher>().RetryDueAsync(CancellationToken.None));
        Assert.Equal(220, receiver.Received.Count);
    }
}
