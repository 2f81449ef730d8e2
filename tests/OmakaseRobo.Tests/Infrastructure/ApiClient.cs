using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>A client of the API as a customer's tool would use it: JSON in, JSON out, a bearer token.</summary>
public sealed class ApiClient(HttpClient client)
{
    public HttpClient Client => client;

    public Task<HttpResponseMessage> PostAsync(string path, object? body, string? token = null) =>
        SendAsync(HttpMethod.Post, path, body, token);

    /// <summary>A POST with extra request headers, sent as given (no validation, so malformed values can be tried).</summary>
    public Task<HttpResponseMessage> PostAsync(string path, object? body, string? token, params (string Name, string Value)[] headers) =>
        SendAsync(HttpMethod.Post, path, body, token, headers);

    public Task<HttpResponseMessage> PutAsync(string path, object? body, string? token = null) =>
        SendAsync(HttpMethod.Put, path, body, token);

    public Task<HttpResponseMessage> GetAsync(string path, string? token = null) => SendAsync(HttpMethod.Get, path, null, token);

    public Task<HttpResponseMessage> DeleteAsync(string path, string? token = null) => SendAsync(HttpMethod.Delete, path, null, token);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, string? token, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request);
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
