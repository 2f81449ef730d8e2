using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Features.Incidents;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Compliance;
using OmakaseRobo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OmakaseRobo.Tests.Reliability;

/// <summary>A notice larger than one transaction is written in chunks; one cut off after its first transaction is finished by retry-webhooks.</summary>
public sealed class NoticeChunkTests(ITestOutputHelper output)
{
    private const int Tenants = 4; // 4 x (notice, delivery, record) + the incident: more than DynamoDB Local's 10 items

    [Fact]
    public async Task A_notice_whose_process_died_after_its_first_transaction_is_finished_once_by_retry_webhooks()
    {
        using var app = new OmakaseApp();
        app.Settings["Omakase:Webhooks:AllowLoopbackHttp"] = "true";
        var receivers = await Task.WhenAll(Enumerable.Range(0, Tenants).Select(_ => WebhookReceiver.StartAsync()));
        var api = app.Api();
        var op = await app.OperatorAsync();
        var tenants = await app.TenantsWithWebhooksAsync(receivers);
        var incidentId = await app.IncidentForAsync(op, tenants.Select(t => t.Tenant));
        // What the notice call commits first, and all a process leaves that is killed right after: the incident's change and the dispatch item.
        var store = app.Services.GetRequiredService<IncidentStore>();
        var incident = (await store.GetAsync(incidentId, CancellationToken.None))!;
        var now = app.Clock.GetUtcNow();
        var batch = NoticeBatch.New(
            incident, "initial", "We found a breach.", now, new NoticeActor(op.UserId, op.TenantId, null, null),
            tenants.Select(t => t.Tenant).ToHashSet(StringComparer.Ordinal), app.Services.GetRequiredService<IAuditTrail>());
        await app.Services.GetRequiredService<IAmazonDynamoDB>().TransactWriteItemsAsync(new TransactWriteItemsRequest
        {
            TransactItems =
            [
                store.NoticeKindWrite(incident, "initial", "We found a breach.", now),
                new() { Put = new Put { TableName = app.MainTable, Item = NoticeDispatchItem.ToItem(batch) } },
            ],
        });

        var early = await app.RunJobAsync("retry-webhooks"); // younger than the grace: its process may still be writing it
        app.Clock.Advance(NoticeOutbox.Grace + TimeSpan.FromMinutes(1));
        var outbox = app.Services.GetRequiredService<NoticeOutbox>();
        var twice = await Task.WhenAll(outbox.FinishAsync(CancellationToken.None), outbox.FinishAsync(CancellationToken.None)); // two runs at once
        var finished = await app.RunJobAsync("retry-webhooks");
        output.WriteLine($"before the grace: {early}; two finishers at once: {string.Join(", ", twice)}; then: {finished}");

        Assert.Equal(0, early.GetProperty("resumed").GetInt32());
        Assert.Equal(0, finished.GetProperty("resumed").GetInt32());
        Assert.Equal(Tenants, finished.GetProperty("attempted").GetInt32());
        foreach (var (tenant, admin, receiver) in tenants)
        {
            var notices = (await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/notices", admin.Token), HttpStatusCode.OK)).GetProperty("items");
            Assert.Equal(batch.Units.Single(u => u.Notice.TenantId == tenant).Notice.NoticeId, Assert.Single(notices.EnumerateArray()).GetProperty("noticeId").GetString());
            Assert.Single(receiver.Received);
            Assert.Single(await app.ChainEventsAsync(tenant, "incident.notice"));
        }

        var left = await app.Services.GetRequiredService<IAmazonDynamoDB>().GetItemAsync(new GetItemRequest
        {
            TableName = app.MainTable, Key = MainItems.NoticeDispatch.Key(incidentId, batch.Sequence), ConsistentRead = true,
        });
        Assert.False(left.IsItemSet);
        Assert.Empty(await OutboxSteps.OutboxEventsAsync(app.AuditTable, "incident.notice"));
        foreach (var receiver in receivers)
        {
            await receiver.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_notice_too_large_for_one_transaction_is_stored_whole_through_the_api()
    {
        using var app = new OmakaseApp();
        app.Settings["Omakase:Webhooks:AllowLoopbackHttp"] = "true";
        await using var receiver = await WebhookReceiver.StartAsync();
        var api = app.Api();
        var op = await app.OperatorAsync();
        var tenants = await app.TenantsWithWebhooksAsync(Enumerable.Repeat(receiver, Tenants));
        var incidentId = await app.IncidentForAsync(op, tenants.Select(t => t.Tenant));
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incidentId}/notices", new { kind = "initial", message = "We found a breach." }, op.Token), HttpStatusCode.Created);
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incidentId}/notices", new { kind = "update", message = "Contained." }, op.Token), HttpStatusCode.Created);

        foreach (var (tenant, admin, _) in tenants)
        {
            var notices = (await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/notices", admin.Token), HttpStatusCode.OK)).GetProperty("items");
            Assert.Equal(2, notices.GetArrayLength());
            Assert.Equal(2, (await app.ChainEventsAsync(tenant, "incident.notice")).Count);
        }

        Assert.Equal(2 * Tenants, receiver.Received.Count);
        Assert.Empty(await OutboxSteps.OutboxEventsAsync(app.AuditTable, "incident.notice"));
    }
}
