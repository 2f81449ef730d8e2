using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>
/// An HTTP proxy in front of the shared DynamoDB Local that notes each call (operation and request body) and passes
/// it on unchanged: how a test counts the round trips a request costs, with the real client and the real store.
/// </summary>
public sealed class DynamoDbTap : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Host", "Content-Length", "Transfer-Encoding", "Connection", "Expect" };
    private readonly ConcurrentQueue<(string Operation, string Body)> calls = new();
    private readonly HttpClient upstream = new();
    private WebApplication? proxy;

    public string Endpoint { get; private set; } = string.Empty;

    public int Count => calls.Count;

    public static async Task<DynamoDbTap> StartAsync()
    {
        var tap = new DynamoDbTap();
        var target = new Uri(SharedDynamoDb.Endpoint);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(context => tap.ForwardAsync(context, target));
        await app.StartAsync();
        tap.proxy = app;
        tap.Endpoint = app.Urls.First();
        return tap;
    }

    /// <summary>The calls made after the first <paramref name="mark"/> ones whose body names <paramref name="table"/>.</summary>
    public List<string> OperationsSince(int mark, string table) =>
        [.. calls.Skip(mark).Where(c => c.Body.Contains($"\"{table}\"", StringComparison.Ordinal)).Select(c => c.Operation)];

    private async Task ForwardAsync(HttpContext context, Uri target)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var operation = context.Request.Headers["X-Amz-Target"].ToString();
        calls.Enqueue((operation[(operation.IndexOf('.', StringComparison.Ordinal) + 1)..], body));
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(target, context.Request.Path + context.Request.QueryString))
        {
            Content = new StringContent(body),
        };
        request.Content.Headers.Remove("Content-Type");
        foreach (var (name, value) in context.Request.Headers.Where(h => !HopByHop.Contains(h.Key)))
        {
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)value);
            }
        }

        using var response = await upstream.SendAsync(request);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, value) in response.Headers.Concat(response.Content.Headers).Where(h => !HopByHop.Contains(h.Key)))
        {
            context.Response.Headers[name] = value.ToArray();
        }

        await context.Response.Body.WriteAsync(await response.Content.ReadAsByteArrayAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (proxy is not null)
        {
            await proxy.DisposeAsync();
        }

        upstream.Dispose();
    }
}
