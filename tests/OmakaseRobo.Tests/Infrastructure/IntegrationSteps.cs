using System.Net;
using System.Text;
using System.Text.Json;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>A registered service client as a product service holds it.</summary>
public sealed record ServiceClient(string ClientId, string Secret);

/// <summary>What a product service does: register (through an operator), introspect; and defining product permissions.</summary>
public static class IntegrationSteps
{
    public const string Inactive = """{"active":false}""";

    public static async Task<ServiceClient> CreateServiceClientAsync(this OmakaseApp app, string name = "robot-runner")
    {
        var op = await app.OperatorAsync();
        var created = await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/service-clients", new { name, description = "runs robots" }, op.Token), HttpStatusCode.Created);
        return new ServiceClient(created.GetProperty("clientId").GetString()!, created.GetProperty("clientSecret").GetString()!);
    }

    /// <summary>RFC 6749 section 2.3.1: id and secret form-urlencoded, joined by a colon, base64.</summary>
    public static string Basic(string clientId, string secret) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}"));

    public static Task<HttpResponseMessage> IntrospectAsync(this OmakaseApp app, ServiceClient client, string? token) =>
        app.IntrospectWithAsync(Basic(client.ClientId, client.Secret), token is null ? [] : [new("token", token), new("token_type_hint", "access_token")]);

    public static async Task<HttpResponseMessage> IntrospectWithAsync(this OmakaseApp app, string? authorization, IEnumerable<KeyValuePair<string, string>> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/introspect") { Content = new FormUrlEncodedContent(form) };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await app.CreateClient().SendAsync(request);
    }

    /// <summary>The answer's body as it came, for the exact <c>{"active":false}</c>.</summary>
    public static async Task<string> IntrospectTextAsync(this OmakaseApp app, ServiceClient client, string? token)
    {
        var response = await app.IntrospectAsync(client, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        return text;
    }

    public static async Task<JsonElement> IntrospectActiveAsync(this OmakaseApp app, ServiceClient client, string token)
    {
        var answer = JsonDocument.Parse(await app.IntrospectTextAsync(client, token)).RootElement.Clone();
        Assert.True(answer.GetProperty("active").GetBoolean(), answer.GetRawText());
        return answer;
    }

    public static List<string> Strings(this JsonElement answer, string name) => [.. answer.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

    public static async Task<string> DefinePermissionAsync(this OmakaseApp app, string? name = null, bool privileged = false)
    {
        var op = await app.OperatorAsync();
        name ??= "robots:run-" + Guid.NewGuid().ToString("N")[..8];
        await ApiClient.ReadAsync(
            await app.Api().PutAsync($"/v1/permissions/{name}", new { description = new { ja = "ロボットを実行する", en = "Run robots" }, privileged }, op.Token),
            HttpStatusCode.OK);
        return name;
    }
}
