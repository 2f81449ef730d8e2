using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.OpenApi;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.FirstHour;

/// <summary>The OpenAPI document is complete: every operation says what it does, who may call it and how it can fail.</summary>
public sealed class OpenApiDocumentTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    /// <summary>Operations that answer 409 for reasons of their own (declared on the route with ProducesProblem).</summary>
    private static readonly string[] Conflicts =
    [
        "POST /v1/me/mfa/totp", "POST /v1/tenants/{tenantId}/users", "DELETE /v1/tenants/{tenantId}/users/{userId}",
        "PUT /v1/tenants/{tenantId}/roles/{roleName}", "DELETE /v1/tenants/{tenantId}/roles/{roleName}",
        "PUT /v1/tenants/{tenantId}/users/{userId}/roles", "POST /v1/tenants/{tenantId}/termination",
        "POST /v1/incidents/{incidentId}/transitions", "POST /v1/incidents/{incidentId}/notices",
        "POST /v1/tenants/{tenantId}/users/{userId}/unlock", "GET /v1/tenants/{tenantId}/users/{userId}/sessions",
        "DELETE /v1/tenants/{tenantId}/users/{userId}/sessions",
    ];

    [Fact]
    public async Task Every_operation_has_a_summary_a_description_its_security_and_every_error_status_with_the_problem_schema()
    {
        var document = await DocumentAsync();
        var rules = RulesByOperation();
        var failures = new List<string>();
        var count = 0;
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                count++;
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                var op = operation.Value;
                if (Text(op, "summary") is null)
                {
                    failures.Add($"{name}: no summary");
                }

                if (Text(op, "description") is null)
                {
                    failures.Add($"{name}: no description");
                }

                if (!rules.TryGetValue(name, out var rule))
                {
                    failures.Add($"{name}: no endpoint with an access rule");
                    continue;
                }

                var secured = op.TryGetProperty("security", out var security)
                    && security.EnumerateArray().Any(requirement => requirement.TryGetProperty("bearer", out _));
                if (secured == rule.Anonymous)
                {
                    failures.Add($"{name}: bearer security {(secured ? "on an anonymous" : "missing on a signed-in")} operation");
                }

                var responses = op.GetProperty("responses");
                foreach (var status in ExpectedErrors(name, op, rule))
                {
                    if (!responses.TryGetProperty(status, out var response))
                    {
                        failures.Add($"{name}: no {status}");
                    }
                    else if (!response.TryGetProperty("content", out var content) || !content.TryGetProperty("application/problem+json", out var problem)
                        || problem.GetProperty("schema").GetRawText() is var schema && !schema.Contains("ProblemDetails", StringComparison.Ordinal))
                    {
                        failures.Add($"{name}: {status} without the problem schema");
                    }
                }
            }
        }

        Assert.True(count >= 38, $"only {count} operations documented");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>
    /// Lambda runs the Native AOT publish, which has no generator and serves the stored document: it must be what the
    /// generator makes of today's endpoints. After changing an endpoint, write it again with
    /// <c>OMAKASE_WRITE_API_DOCUMENT=1 ./test.sh --filter FullyQualifiedName~OpenApiDocumentTests</c>.
    /// </summary>
    [Fact]
    public async Task The_stored_document_that_Lambda_serves_is_the_generated_one()
    {
        var generated = JsonNode.Parse((await DocumentAsync()).GetRawText())!.AsObject();
        Assert.True(generated.Remove("servers"), "the generator names the server; the stored document leaves it to the request");

        if (Environment.GetEnvironmentVariable("OMAKASE_WRITE_API_DOCUMENT") == "1")
        {
            var file = Path.Combine(RepositoryFiles.Root(), "src/OmakaseRobo.Api/Resources/openapi-v1.json");
            var options = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            await File.WriteAllTextAsync(file, generated.ToJsonString(options) + "\n");
            return; // the build embeds the new file: the next run compares it
        }

        Assert.True(
            JsonNode.DeepEquals(generated, StoredApiDocument.Read()),
            "Resources/openapi-v1.json is not what the generator makes of the endpoints (保存済みの API 文書が古くなっています). "
                + "Write it again: OMAKASE_WRITE_API_DOCUMENT=1 ./test.sh --filter FullyQualifiedName~OpenApiDocumentTests");
    }

    [Fact]
    public async Task The_stored_document_names_the_callers_server_and_answers_other_names_with_a_problem()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();
        app.MapStoredApiDocument();
        await app.StartAsync();
        var client = app.GetTestClient();
        client.BaseAddress = new Uri("https://api.example.jp/");

        var document = await client.GetAsync("/openapi/v1.json");
        var unknown = await client.GetAsync("/openapi/v2.json");

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal("application/json; charset=utf-8", document.Content.Headers.ContentType!.ToString());
        var served = JsonNode.Parse(await document.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("https://api.example.jp/", (string?)served["servers"]![0]!["url"]);
        served.Remove("servers");
        Assert.True(JsonNode.DeepEquals(StoredApiDocument.Read(), served));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task The_bearer_scheme_is_described_once()
    {
        var document = await DocumentAsync();

        var bearer = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");

        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task Introspection_documents_its_client_authentication_its_form_and_its_401()
    {
        var document = await DocumentAsync();
        var introspect = document.GetProperty("paths").GetProperty("/oauth2/introspect").GetProperty("post");

        var basic = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("serviceClient");
        Assert.Equal("basic", basic.GetProperty("scheme").GetString());
        Assert.Contains(introspect.GetProperty("security").EnumerateArray(), requirement => requirement.TryGetProperty("serviceClient", out _));
        var form = introspect.GetProperty("requestBody").GetProperty("content").GetProperty("application/x-www-form-urlencoded").GetProperty("schema");
        Assert.Equal(["token"], form.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.True(form.GetProperty("properties").TryGetProperty("token_type_hint", out _));
        var responses = introspect.GetProperty("responses");
        Assert.Contains("Basic", responses.GetProperty("401").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(responses.GetProperty("200").TryGetProperty("content", out _));
        Assert.False(responses.TryGetProperty("415", out _)); // a body that is not a form answers 400, as RFC 7662 has it
    }

    [Fact]
    public async Task Sign_in_documents_both_of_its_answers_and_an_example()
    {
        var document = await DocumentAsync();
        var login = document.GetProperty("paths").GetProperty("/v1/auth/login").GetProperty("post");

        var ok = login.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var shapes = ok.GetProperty("oneOf").EnumerateArray().Select(shape => Resolve(document, shape).GetProperty("properties")).ToList();

        Assert.Equal(2, shapes.Count);
        Assert.Contains(shapes, shape => shape.TryGetProperty("accessToken", out _));
        Assert.Contains(shapes, shape => shape.TryGetProperty("mfaToken", out _));
        var example = login.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.Equal("platform", example.GetProperty("tenantId").GetString());
    }

    [Fact]
    public async Task Required_request_fields_are_required_and_not_nullable()
    {
        var document = await DocumentAsync();
        var login = document.GetProperty("paths").GetProperty("/v1/auth/login").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var schema = Resolve(document, login);

        var required = schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ToList();

        Assert.Equal(["email", "password", "tenantId"], required.Order(StringComparer.Ordinal));
        foreach (var field in required)
        {
            var type = schema.GetProperty("properties").GetProperty(field!).GetProperty("type");
            Assert.Equal(JsonValueKind.String, type.ValueKind);
            Assert.Equal("string", type.GetString());
        }

        var tenant = Resolve(document, document.GetProperty("paths").GetProperty("/v1/tenants").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Equal(["name"], tenant.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    private static IEnumerable<string> ExpectedErrors(string name, JsonElement op, AccessRule rule)
    {
        var hasBody = op.TryGetProperty("requestBody", out _);
        var parameters = op.TryGetProperty("parameters", out var list) ? list.EnumerateArray().Select(p => p.GetProperty("in").GetString()).ToList() : [];
        if (hasBody || parameters.Contains("query"))
        {
            yield return "400";
        }

        if (!rule.Anonymous)
        {
            yield return "401";
        }

        if (rule.TenantPermission is not null || rule.PlatformPermission is not null || (!rule.Anonymous && !rule.AllowedWhileRestricted))
        {
            yield return "403";
        }

        if (parameters.Contains("path"))
        {
            yield return "404";
        }

        if (Conflicts.Contains(name))
        {
            yield return "409";
        }

        if (hasBody)
        {
            yield return "413";
        }

        if (hasBody && op.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _))
        {
            yield return "415";
        }

        if (name is "POST /v1/auth/login" or "POST /v1/auth/mfa/verify")
        {
            yield return "401";
        }

        yield return "429";
        yield return "503";
    }

    private Dictionary<string, AccessRule> RulesByOperation()
    {
        _ = fixture.App.CreateClient();
        var rules = new Dictionary<string, AccessRule>(StringComparer.Ordinal);
        foreach (var endpoint in fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<AccessRule>() is not { } rule || endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } methods)
            {
                continue;
            }

            var route = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            foreach (var method in methods.HttpMethods)
            {
                rules[$"{method} {route}"] = rule;
            }
        }

        return rules;
    }

    private async Task<JsonElement> DocumentAsync() =>
        await ApiClient.ReadAsync(await fixture.App.Api().GetAsync("/openapi/v1.json"), HttpStatusCode.OK);

    private static JsonElement Resolve(JsonElement document, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : schema;

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && !string.IsNullOrWhiteSpace(value.GetString()) ? value.GetString() : null;
}
