using System.Net;
using System.Text;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Jobs;

public sealed class EventsTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    private Task<HttpResponseMessage> PostEventAsync(string json, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        configure?.Invoke(request);
        return app.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task The_sample_event_runs_its_job_and_answers_the_report()
    {
        await app.OperatorAsync();

        var report = await ApiClient.ReadAsync(await PostEventAsync(RepositoryFiles.Read("events/review-privileged-access.json")), HttpStatusCode.OK);

        Assert.True(report.GetProperty("accounts").GetArrayLength() >= 1);
    }

    [Fact]
    public async Task The_backup_sample_event_takes_verifies_and_restore_tests_the_local_backup()
    {
        await app.OperatorAsync();

        var report = await ApiClient.ReadAsync(await PostEventAsync(RepositoryFiles.Read("events/verify-backups.json")), HttpStatusCode.OK);

        Assert.True(report.GetProperty("ok").GetBoolean());
        Assert.Equal(2, report.GetProperty("tables").GetArrayLength());
    }

    [Fact]
    public async Task The_purge_sample_event_runs_the_purge_and_answers_what_it_removed()
    {
        var report = await ApiClient.ReadAsync(await PostEventAsync(RepositoryFiles.Read("events/purge-records.json")), HttpStatusCode.OK);

        Assert.True(report.GetProperty("ok").GetBoolean(), report.ToString());
        Assert.True(report.GetProperty("complete").GetBoolean());
        foreach (var kind in new[] { "access", "operation", "auth", "system", "sessions", "mfaChallenges", "webhookDeliveries", "jobRuns", "auditChains", "total" })
        {
            Assert.True(report.GetProperty("deleted").TryGetProperty(kind, out _), kind);
        }

        Assert.Equal(0, report.GetProperty("held").GetProperty("chains").GetInt32());
    }

    [Fact]
    public async Task A_retried_event_does_not_run_the_job_twice()
    {
        var json = RepositoryFiles.Read("events/retry-webhooks.json").Replace("\"id\": \"", "\"id\": \"retry-", StringComparison.Ordinal);

        var first = await PostEventAsync(json);
        var second = await PostEventAsync(json);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        using var dynamo = OmakaseApp.Dynamo();
        var runs = (await dynamo.ScanAsync(new ScanRequest { TableName = app.AuditTable })).Items.Count(i => i.TryGetValue("action", out var action) && action.S == "job.retry-webhooks");
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task An_event_id_already_used_for_another_job_is_409_and_runs_nothing()
    {
        var id = $"once-{Guid.NewGuid():N}";
        await ApiClient.ReadAsync(await PostEventAsync("{\"id\":\"" + id + "\",\"source\":\"aws.events\",\"detail\":{\"job\":\"review-privileged-access\"}}"), HttpStatusCode.OK);

        var other = await Problem.ReadAsync(
            await PostEventAsync("{\"id\":\"" + id + "\",\"source\":\"aws.events\",\"detail\":{\"job\":\"verify-audit-chain\"}}"), HttpStatusCode.Conflict);

        Assert.Contains("review-privileged-access", other.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await app.FlushAuditAsync();
        using var dynamo = OmakaseApp.Dynamo();
        var runs = (await dynamo.ScanAsync(new ScanRequest { TableName = app.AuditTable })).Items
            .Where(i => i.TryGetValue("target", out var target) && target.S == id)
            .Select(i => i["action"].S)
            .ToList();
        Assert.Equal(["job.review-privileged-access"], runs.Distinct());
    }

    [Fact]
    public async Task Anything_that_came_through_api_gateway_is_refused()
    {
        var response = await PostEventAsync(RepositoryFiles.Read("events/review-privileged-access.json"),
            r => r.Headers.Add("x-amzn-request-context", """{"requestId":"r","identity":{"sourceIp":"203.0.113.1"}}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("requestContext")]
    [InlineData("RequestContext")]
    public async Task An_event_body_carrying_an_api_gateway_request_context_is_refused(string key)
    {
        var json = "{\"id\":\"gw-" + Guid.NewGuid().ToString("N") + "\",\"source\":\"aws.events\",\"detail\":{\"job\":\"review-privileged-access\"},\"" + key + "\":{\"stage\":\"dev\"}}";

        await Problem.ReadAsync(await PostEventAsync(json), HttpStatusCode.NotFound);
    }

    /// <summary>A page open in a developer's browser can send a cross-origin simple request (text/plain, a form) without asking.</summary>
    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task An_event_declared_as_anything_but_json_is_refused_before_a_job_runs(string contentType)
    {
        var id = $"csrf-{Guid.NewGuid():N}";
        var json = "{\"id\":\"" + id + "\",\"source\":\"aws.events\",\"detail\":{\"job\":\"review-privileged-access\"}}";

        var response = await PostEventAsync(json, r => r.Content!.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType));

        await Problem.ReadAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_event_without_a_declared_content_type_is_read_as_json()
    {
        var json = "{\"id\":\"bare-" + Guid.NewGuid().ToString("N") + "\",\"source\":\"aws.events\",\"detail\":{\"job\":\"review-privileged-access\"}}";

        await ApiClient.ReadAsync(await PostEventAsync(json, r => r.Content!.Headers.ContentType = null), HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_event_naming_its_job_twice_is_refused_not_read_one_way_or_the_other()
    {
        var json = "{\"id\":\"twice-" + Guid.NewGuid().ToString("N") + "\",\"source\":\"aws.events\",\"detail\":{\"job\":\"review-privileged-access\",\"job\":\"purge-records\"}}";

        await Problem.ReadAsync(await PostEventAsync(json), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("""{"id":"e1","source":"aws.events","detail":{"job":"format-disk"}}""", "detail.job")]
    [InlineData("""{"id":"e2","source":"customer.app","detail":{"job":"retry-webhooks"}}""", "source")]
    [InlineData("""{"source":"aws.events","detail":{"job":"retry-webhooks"}}""", "id")]
    public async Task An_event_that_is_not_a_known_scheduled_job_is_refused(string json, string field)
    {
        var problem = await Problem.ReadAsync(await PostEventAsync(json), HttpStatusCode.BadRequest);

        Assert.True(problem.Body.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Malformed_event_json_is_a_400_problem()
    {
        await Problem.ReadAsync(await PostEventAsync("{\"id\":"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Only_the_jobs_function_maps_events()
    {
        using var auth = new OmakaseApp();
        auth.Settings["Omakase:Function"] = "auth";
        using var jobs = new OmakaseApp();
        jobs.Settings["Omakase:Function"] = "jobs";

        var onAuth = await auth.CreateClient().PostAsync(new Uri("/events", UriKind.Relative), new StringContent(RepositoryFiles.Read("events/retry-webhooks.json"), Encoding.UTF8, "application/json"));
        var onJobs = await jobs.CreateClient().PostAsync(new Uri("/events", UriKind.Relative), new StringContent(RepositoryFiles.Read("events/retry-webhooks.json"), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, onAuth.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onJobs.StatusCode);
    }
}
