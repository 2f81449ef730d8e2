using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Hardening;

/// <summary>
/// Every route of the app, found at run time, with real ids and garbage, signed in as an operator, as a tenant admin and
/// not at all, against hostile bodies: nothing may answer 5xx, and every error is a problem. A new route is covered the
/// day it is mapped.
/// </summary>
public sealed class EveryRouteTests
{
    private static readonly byte[] TenMegabytes = new byte[10 * 1024 * 1024];

    private sealed record Body(string Name, Func<HttpContent?> Content);

    [Fact]
    public async Task No_route_answers_5xx_or_a_non_problem_error_to_hostile_input_from_any_caller()
    {
        using var app = new OmakaseApp();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var (victim, _, _) = await app.CreateUserAsync(tenant);
        await ApiClient.ReadAsync(await app.Api().PutAsync($"/v1/tenants/{tenant}/roles/viewer", new { permissions = new[] { "users:read" } }, admin.Token), HttpStatusCode.OK);
        var incident = (await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/incidents", new { title = "T", description = "D", affectedTenantIds = new[] { tenant } }, op.Token), HttpStatusCode.Created)).GetProperty("incidentId").GetString()!;
        var real = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["tenantId"] = tenant, ["userId"] = victim, ["roleName"] = "viewer", ["incidentId"] = incident,
        };
        string[] garbage = ["x", "nul%2500", "..%2F..%2Fetc", new string('a', 600), "%E2%80%AE%F0%9F%92%A9", "'%20OR%201=1--", "%FF%FE", "platform", "-1"];

        _ = app.CreateClient();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Route: e.RoutePattern)))
            .ToList();
        Assert.True(endpoints.Count > 20, $"only {endpoints.Count} routes");

        var requests = new List<(string Method, string Path, Body Body, string? Token, string Who)>();
        var bodies = Bodies(tenant);
        foreach (var (method, route) in endpoints)
        {
            for (var fill = 0; fill < 2; fill++)
            {
                var path = "/" + string.Join('/', route.PathSegments.Select((segment, s) => string.Concat(segment.Parts.Select(part => part switch
                {
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter =>
                        fill == 0 && real.TryGetValue(parameter.Name, out var id) ? id : garbage[(s + requests.Count) % garbage.Length],
                    _ => string.Empty,
                }))));
                path += method == "GET" && fill == 1 ? "?from=9999-99-99&to=0001-01-01&limit=99999999999999&cursor=%00%FF&category=%E2%80%AE&tenantId=../x" : string.Empty;
                foreach (var body in method == "GET" ? bodies.Take(3) : bodies)
                {
                    requests.Add((method, path, body, op.Token, "operator"));
                    requests.Add((method, path, body, admin.Token, "tenant admin"));
                    requests.Add((method, path, body, null, "anonymous"));
                }
            }
        }

        // Routes whose success ends the caller's session or tenant go last, so they do not blind the rest of the walk.
        static bool EndsSomething(string path) => path.Contains("/termination", StringComparison.Ordinal) || path.Contains("/logout", StringComparison.Ordinal);
        var failures = new ConcurrentQueue<string>();
        await RunAsync(app, requests.Where(r => !EndsSomething(r.Path)).ToList(), failures, parallel: 32);
        await RunAsync(app, requests.Where(r => EndsSomething(r.Path)).ToList(), failures, parallel: 1);

        Assert.True(failures.IsEmpty, $"{failures.Count} of {requests.Count} requests went wrong:\n" + string.Join('\n', failures.Take(40)));
    }

    private static async Task RunAsync(OmakaseApp app, List<(string Method, string Path, Body Body, string? Token, string Who)> requests, ConcurrentQueue<string> failures, int parallel)
    {
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (r, cancellationToken) =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(r.Method), r.Path) { Content = r.Body.Content() };
            if (r.Token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", r.Token);
            }

            using var response = await app.CreateClient().SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (status >= 500 || (status >= 400 && mediaType != "application/problem+json"))
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                failures.Enqueue($"{r.Method} {r.Path[..Math.Min(r.Path.Length, 120)]} [{r.Body.Name}, {r.Who}] → {status} {mediaType}: {text[..Math.Min(text.Length, 200)]}");
            }
        });
    }

    private static List<Body> Bodies(string tenant)
    {
        static Func<HttpContent?> Json(string json, string contentType = "application/json") => () =>
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            return content;
        };

        static Func<HttpContent?> Bytes(byte[] bytes, string contentType = "application/json") => () =>
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            return content;
        };

        string[] fields = ["email", "displayName", "roles", "permissions", "affectedTenantIds", "url", "secret", "name", "adminLimit", "requireMfaForAdmins",
            "title", "description", "severity", "to", "note", "kind", "message", "tenantId", "from", "password", "currentPassword", "newPassword", "mfaToken", "code",
            "status", "reason", "summary", "reference", "performedAt", "id", "source", "detail", "cvss", "component", "resolution"];
        string Each(Func<string, string> value) => "{" + string.Join(',', fields.Select(f => $"\"{f}\":{value(f)}")) + "}";
        var hugeArray = "[" + string.Join(',', Enumerable.Repeat("\"admin\"", 6000)) + "]";
        var nested = new string('[', 5000) + new string(']', 5000);
        var nestedObject = string.Concat(Enumerable.Repeat("{\"a\":", 3000)) + "1" + new string('}', 3000);
        return
        [
            new("none", () => null),
            new("nulls in arrays", Json(Each(_ => "[null]"))),
            new("unknown charset", Json("{}", "application/json; charset=x-bogus")),
            new("wrong types: objects", Json(Each(_ => "{}"))),
            new("wrong types: numbers", Json(Each(_ => "12345678901234567890123"))),
            new("wrong types: booleans", Json(Each(_ => "true"))),
            new("wrong types: nested arrays", Json(Each(_ => "[[\"a\"]]"))),
            new("huge arrays", Json($"{{\"roles\":{hugeArray},\"permissions\":[{string.Join(',', Enumerable.Repeat("\"users:read\"", 800))}]}}")),
            new("huge array of tenants", Json($"{{\"title\":\"t\",\"description\":\"d\",\"affectedTenantIds\":{hugeArray}}}")),
            new("deep nesting", Json(nested)),
            new("deep object nesting", Json(nestedObject)),
            new("duplicate keys", Json("{\"email\":\"a@customer.example\",\"email\":\"b@customer.example\",\"roles\":[],\"roles\":[\"admin\"],\"name\":\"a\",\"name\":\"b\"}")),
            new("10 MB", Bytes(TenMegabytes)),
            new("10 MB chunked", () => new ChunkedContent(TenMegabytes)),
            new("invalid UTF-8", Bytes([.. "{\"email\":\""u8, 0xFF, 0xFE, 0xC3, 0x28, .. "\",\"name\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8])),
            new("empty body", Bytes([])),
            new("an array", Json("[1,2,3]")),
            new("a string", Json("\"hello\"")),
            new("null", Json("null")),
            new("truncated", Json("{\"email\":")),
            new("not json", Json("email=a&roles=admin", "text/plain")),
            new("json without content type", Bytes("{}"u8.ToArray(), "application/octet-stream")),
            new("control characters and huge strings", Json(Each(f => "\"\\u0000" + new string('x', 1500) + "\\u202e\""))),
            new("dates out of range", Json(Each(_ => "\"9999-12-31T23:59:59.9999999+14:00\""))),
            new("a window at the end of time", Json($"{{\"tenantId\":\"{tenant}\",\"from\":\"9999-12-30T00:00:00Z\",\"to\":\"9999-12-31T23:59:59.9999999Z\"}}")),
            new("a window at the start of time", Json($"{{\"tenantId\":\"{tenant}\",\"from\":\"0001-01-01T00:00:00Z\",\"to\":\"0001-01-02T00:00:00-14:00\"}}")),
        ];
    }

    /// <summary>A body without Content-Length, so only the server's own limit stops it.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
