using System.Net;
using System.Text.Json;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>An RFC 9457 problem as a client reads it.</summary>
public sealed record Problem(string Type, string Title, int Status, string TraceId, JsonElement Body)
{
    public static async Task<Problem> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        return new Problem(
            body.GetProperty("type").GetString()!,
            body.GetProperty("title").GetString()!,
            body.GetProperty("status").GetInt32(),
            body.GetProperty("traceId").GetString()!,
            body);
    }
}
