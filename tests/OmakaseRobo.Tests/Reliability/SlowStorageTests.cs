using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OmakaseRobo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OmakaseRobo.Tests.Reliability;

/// <summary>
/// Storage that answers, but slowly (every chunk between the app and DynamoDB Local held back a second, so one round
/// trip takes two): each request still gets a whole answer from the app, its result or the 503 problem, by the end of
/// its budget, on a real server (Kestrel), where an answer cut short is a reset connection. An access record that
/// cannot be stored in what is left of the budget stands in the log.
/// </summary>
public sealed class SlowStorageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ChunkDelay = TimeSpan.FromSeconds(1);

    /// <summary>Writing the answer, on a loaded 2-core box; the access record waits for nothing past the budget.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_success_whose_access_record_cannot_be_stored_in_the_budget_is_answered_in_full_within_it_and_its_record_stands_in_the_log()
    {
        await using var faulty = Start();
        var tenant = await faulty.App.CreateTenantAsync();
        var user = await faulty.App.NewUserAsync(tenant, []);
        var api = faulty.App.Api();

        // GET /v1/me reads once (2 s): the access record, written as the answer starts, would need 2 s more of a 3 s budget.
        faulty.Proxy.DelayBy(ChunkDelay);
        var me = await AnswerAsync("slow: GET /v1/me", () => api.GetAsync("/v1/me", user.Token));

        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal(user.UserId, me.Body.GetProperty("userId").GetString());
        Assert.True(me.Elapsed < Budget + Margin, $"{me.Elapsed} is past the {Budget} budget");
        Assert.Contains(faulty.App.Logs.Lines, line => line.Contains("Audit record stands in the log", StringComparison.Ordinal)
            && line.Contains($"(trace {me.TraceId})", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Under_slow_storage_every_request_gets_its_whole_result_or_a_503_problem_within_the_budget()
    {
        await using var faulty = Start();
        var op = await faulty.App.OperatorAsync();
        var tenant = await faulty.App.CreateTenantAsync();
        var user = await faulty.App.NewUserAsync(tenant, []);
        var api = faulty.App.Api();
        var unknownSession = $"{tenant}.{user.UserId}.{new string('A', 43)}";

        faulty.Proxy.DelayBy(ChunkDelay);
        var answers = await Task.WhenAll(
            AnswerAsync("slow: GET /v1/me", () => api.GetAsync("/v1/me", user.Token)),
            AnswerAsync("slow: GET /v1/me, unknown session", () => api.GetAsync("/v1/me", unknownSession)),
            AnswerAsync("slow: sign-in", () => api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = user.Email, password = user.Password })),
            AnswerAsync("slow: PUT role", () => api.PutAsync($"/v1/tenants/{tenant}/roles/reader-x", new { permissions = new[] { "audit:read" } }, op.Token)),
            AnswerAsync("slow: POST user", () => api.PostAsync(
                $"/v1/tenants/{tenant}/users", new { email = $"slow-{Guid.NewGuid():N}"[..13] + "@customer.example", displayName = "Slow", roles = Array.Empty<string>() }, op.Token)));

        // The reads that fit answer their result (the refusal included); the rest the 503 problem, none past the budget.
        Assert.Equal(HttpStatusCode.OK, answers[0].Status);
        Assert.Equal(HttpStatusCode.Unauthorized, answers[1].Status);
        Assert.All(answers[2..], answer => Assert.Contains(answer.Status, new[] { HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.ServiceUnavailable }));
        Assert.All(answers, answer => Assert.True(answer.Elapsed < Budget + Margin, $"{answer.What}: {answer.Elapsed} is past the {Budget} budget"));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable), answer =>
        {
            Assert.Equal("urn:omakase-robo:problem:storage-unavailable", answer.Body.GetProperty("type").GetString());
            Assert.True(answer.RetryAfter > TimeSpan.Zero, $"{answer.What}: Retry-After is missing");
        });
    }

    /// <summary>An app on Kestrel behind the proxy: a 3 s request budget, the access record's own 2 s as in AWS.</summary>
    private static FaultyStorage Start()
    {
        var faulty = FaultyStorage.Start(kestrel: true);
        faulty.RequestBudget = Budget;
        faulty.App.Settings["Omakase:Dependencies:AccessRecordBudget"] = TimeSpan.FromSeconds(2).ToString();
        return faulty;
    }

    /// <summary>Sends, reads the whole answer, times it: a connection reset or a body cut short fails the test here.</summary>
    private async Task<Answer> AnswerAsync(string what, Func<Task<HttpResponseMessage>> send)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await send();
            var text = await response.Content.ReadAsStringAsync();
            watch.Stop();
            output.WriteLine($"{what}: {(int)response.StatusCode} after {watch.Elapsed.TotalMilliseconds:0} ms");
            var body = JsonDocument.Parse(text).RootElement.Clone(); // every answer here has a JSON body: a result or a problem
            var trace = response.Headers.TryGetValues("X-Correlation-Id", out var values) ? values.Single() : string.Empty;
            return new Answer(what, response.StatusCode, body, watch.Elapsed, response.Headers.RetryAfter?.Delta, trace);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
        {
            output.WriteLine($"{what}: no whole answer after {watch.Elapsed.TotalMilliseconds:0} ms: {e.Message}");
            throw new Xunit.Sdk.XunitException($"{what}: no whole answer after {watch.Elapsed.TotalMilliseconds:0} ms ({e.GetType().Name}: {e.Message})");
        }
    }

    private sealed record Answer(string What, HttpStatusCode Status, JsonElement Body, TimeSpan Elapsed, TimeSpan? RetryAfter, string TraceId);
}
