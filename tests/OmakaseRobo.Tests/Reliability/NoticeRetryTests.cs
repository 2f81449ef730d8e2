using System.Net;
using System.Text.Json;
using OmakaseRobo.Api.Features.Incidents;
using OmakaseRobo.Tests.Compliance;
using OmakaseRobo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OmakaseRobo.Tests.Reliability;

/// <summary>
/// A notice call cut off by storage after its notice committed: answered 201 when the app saw the commit (retry-webhooks
/// finishes the rest), and a retry of the same call after a 503 whose commit the app could not see answers that notice
/// instead of sending a second.
/// </summary>
public sealed class NoticeRetryTests(ITestOutputHelper output)
{
    /// <summary>Only the notice's first transaction carries this: the incident's change (its notice kinds).</summary>
    private const string NoticeCommit = "list_append(noticeKinds";

    private const string Message = "Contained; we keep watching.";

    [Fact]
    public async Task A_notice_whose_dispatch_committed_before_storage_went_down_is_answered_201_and_finished_once_by_retry_webhooks()
    {
        const int tenants = 10; // 10 x 3 items + the incident: a dispatch item, then chunks, on DynamoDB Local
        await using var faulty = FaultyStorage.StartPatient(); // storage refuses: no tight budget needed
        var (tenantsAndAdmins, op, incidentId, receiver) = await PrepareAsync(faulty, tenants);
        await using var _ = receiver;
        var api = faulty.App.Api();
        var sentAt = faulty.App.Clock.GetUtcNow();

        faulty.Proxy.RefuseAfter(NoticeCommit, loseAnswer: false); // the dispatch commits and is answered; then storage is gone
        using var first = await api.PostAsync($"/v1/incidents/{incidentId}/notices", new { kind = "update", message = Message }, op.Token);
        output.WriteLine($"storage gone after the dispatch committed: {(int)first.StatusCode} {await first.Content.ReadAsStringAsync()}");
        faulty.Proxy.Pass();

        // The tester's client retried a 503 here and the notice went out twice; a 201 is not retried.
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(sentAt, (await ApiClient.ReadAsync(first, HttpStatusCode.Created)).GetProperty("createdAt").GetDateTimeOffset());
        var job = await FinishAsync(faulty.App, tenantsAndAdmins, receiver, tenants, output);
        Assert.Equal(1, job.GetProperty("resumed").GetInt32());
    }

    [Theory]
    [InlineData(3)] // 1 + 3 x 3 items: one transaction
    [InlineData(10)] // a dispatch item, then chunks
    public async Task A_retry_of_a_notice_whose_commit_answer_was_lost_answers_that_notice_and_sends_no_second(int tenants)
    {
        await using var faulty = FaultyStorage.StartPatient(); // storage refuses: no tight budget needed
        var (tenantsAndAdmins, op, incidentId, receiver) = await PrepareAsync(faulty, tenants);
        await using var _ = receiver;
        var api = faulty.App.Api();
        var sentAt = faulty.App.Clock.GetUtcNow();

        faulty.Proxy.RefuseAfter(NoticeCommit, loseAnswer: true); // the commit lands; its answer never comes back
        using var first = await api.PostAsync($"/v1/incidents/{incidentId}/notices", new { kind = "update", message = Message }, op.Token);
        output.WriteLine($"{tenants} tenants, the commit's answer lost: {(int)first.StatusCode}");
        faulty.Proxy.Pass();
        faulty.App.Clock.Advance(TimeSpan.FromSeconds(5));
        var retry = await ApiClient.ReadAsync(
            await api.PostAsync($"/v1/incidents/{incidentId}/notices", new { kind = "update", message = Message }, op.Token), HttpStatusCode.Created);
        output.WriteLine($"the same call again: {retry}");

        Assert.Equal(sentAt, retry.GetProperty("createdAt").GetDateTimeOffset()); // the notice of the first call, not a new one
        var job = await FinishAsync(faulty.App, tenantsAndAdmins, receiver, tenants, output);
        Assert.Equal(0, job.GetProperty("resumed").GetInt32()); // a dispatch item the first call left was finished by the retry

        // Another update with other words is a new notice, sent as before.
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incidentId}/notices", new { kind = "update", message = "Closed the hole." }, op.Token), HttpStatusCode.Created);
        foreach (var (tenant, admin) in tenantsAndAdmins)
        {
            var notices = (await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/notices", admin.Token), HttpStatusCode.OK)).GetProperty("items");
            Assert.Equal(3, notices.GetArrayLength());
        }
    }

    private static async Task<(List<(string Tenant, SignedIn Admin)> Tenants, SignedIn Op, string IncidentId, WebhookReceiver Receiver)> PrepareAsync(FaultyStorage faulty, int count)
    {
        faulty.App.Settings["Omakase:Webhooks:AllowLoopbackHttp"] = "true";
        var receiver = await WebhookReceiver.StartAsync();
        var op = await faulty.App.OperatorAsync();
        var tenants = await faulty.App.TenantsWithWebhooksAsync(Enumerable.Repeat(receiver, count));
        var incidentId = await faulty.App.IncidentForAsync(op, tenants.Select(t => t.Tenant));
        await ApiClient.ReadAsync(
            await faulty.App.Api().PostAsync($"/v1/incidents/{incidentId}/notices", new { kind = "initial", message = "We found a breach." }, op.Token), HttpStatusCode.Created);
        return ([.. tenants.Select(t => (t.Tenant, t.Admin))], op, incidentId, receiver);
    }

    /// <summary>retry-webhooks once the grace is over; then every tenant holds the initial notice and one update, each delivered and recorded once.</summary>
    private static async Task<JsonElement> FinishAsync(OmakaseApp app, List<(string Tenant, SignedIn Admin)> tenants, WebhookReceiver receiver, int count, ITestOutputHelper output)
    {
        app.Clock.Advance(NoticeOutbox.Grace + TimeSpan.FromMinutes(1));
        var job = await app.RunJobAsync("retry-webhooks");
        output.WriteLine($"retry-webhooks: {job}");
        var outbox = await OutboxSteps.OutboxEventsAsync(app.AuditTable, "incident.notice");
        foreach (var (tenant, admin) in tenants)
        {
            var notices = (await ApiClient.ReadAsync(await app.Api().GetAsync($"/v1/tenants/{tenant}/notices", admin.Token), HttpStatusCode.OK)).GetProperty("items");
            Assert.Equal(["initial", "update"], notices.EnumerateArray().Select(n => n.GetProperty("kind").GetString()).Order());
            var records = (await app.ChainEventsAsync(tenant, "incident.notice")).Count + outbox.Count(e => e["tenantId"].S == tenant);
            Assert.Equal(2, records);
        }

        Assert.Equal(2 * count, receiver.Received.Count);
        return job;
    }
}
