using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Platform;

public sealed class HttpBasicsTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly HttpClient client = fixture.App.CreateClient();

    [Fact]
    public async Task Healthz_answers_ok_with_every_security_header_and_no_server_header()
    {
        var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task Unknown_route_answers_a_not_found_problem_with_headers()
    {
        var response = await client.GetAsync(new Uri("/v1/nothing-here", UriKind.Relative));

        var problem = await Problem.ReadAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("urn:omakase-robo:problem:not-found", problem.Type);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task Wrong_method_answers_a_method_not_allowed_problem_in_japanese()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/healthz");
        request.Headers.AcceptLanguage.ParseAdd("ja-JP,ja;q=0.9,en;q=0.5");

        var response = await client.SendAsync(request);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal("このメソッドは許可されていません。", problem.Title);
    }

    [Fact]
    public async Task English_is_the_default_language_of_problems()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/healthz");
        request.Headers.AcceptLanguage.ParseAdd("fr-FR");

        var problem = await Problem.ReadAsync(await client.SendAsync(request), HttpStatusCode.MethodNotAllowed);

        Assert.Equal("This method is not allowed here.", problem.Title);
    }

    [Fact]
    public async Task A_body_over_64_KiB_answers_413_before_anything_reads_it()
    {
        using var content = new StringContent(new string('a', 64 * 1024 + 1), Encoding.UTF8, "application/json");

        var response = await client.PostAsync(new Uri("/v1/auth/login", UriKind.Relative), content);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("urn:omakase-robo:problem:body-too-large", problem.Type);
    }

    [Fact]
    public async Task The_adapters_request_id_becomes_the_correlation_and_trace_id()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/nothing-here");
        request.Headers.Add("x-amzn-request-context", """{"requestId":"c6af9ac6-7b61-11e6-9a41-93e8deadbeef","stage":"prod"}""");
        request.Headers.Add("X-Correlation-Id", "client-chosen-id");

        var response = await client.SendAsync(request);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("c6af9ac6-7b61-11e6-9a41-93e8deadbeef", problem.TraceId);
        Assert.Equal("c6af9ac6-7b61-11e6-9a41-93e8deadbeef", response.Headers.GetValues("X-Correlation-Id").Single());
    }

    [Fact]
    public async Task A_well_formed_client_correlation_id_is_echoed_and_a_malicious_one_is_replaced()
    {
        using var good = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        good.Headers.Add("X-Correlation-Id", "abc-123");
        using var bad = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        bad.Headers.TryAddWithoutValidation("X-Correlation-Id", "<script>alert(1)</script>");

        var echoed = (await client.SendAsync(good)).Headers.GetValues("X-Correlation-Id").Single();
        var replaced = (await client.SendAsync(bad)).Headers.GetValues("X-Correlation-Id").Single();

        Assert.Equal("abc-123", echoed);
        Assert.Matches("^[0-9a-f]{32}$", replaced);
    }

    [Fact]
    public void Log_lines_are_one_json_object_with_the_powertools_keys()
    {
        var line = fixture.App.Logs.Lines.First(l => l.Contains("\"message\"", StringComparison.Ordinal));

        using var json = JsonDocument.Parse(line);
        foreach (var key in new[] { "level", "message", "timestamp", "service", "cold_start" })
        {
            Assert.True(json.RootElement.TryGetProperty(key, out _), $"missing {key} in {line}");
        }
    }

    internal static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("max-age=31536000; includeSubDomains", response.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal(new CacheControlHeaderValue { NoStore = true }, response.Headers.CacheControl);
        Assert.False(response.Headers.Contains("Server"));
    }
}
