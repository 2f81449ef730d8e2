using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>A real HTTP receiver on loopback, as a customer would run one: it records every delivery as received.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    private WebhookReceiver(WebApplication app)
    {
        this.app = app;
    }

    public sealed record Delivery(string? Signature, string? DeliveryId, byte[] Body);

    public ConcurrentQueue<Delivery> Received { get; } = new();

    /// <summary>Status codes to answer, one per request, then 200.</summary>
    public ConcurrentQueue<int> Answers { get; } = new();

    public string Url { get; private set; } = string.Empty;

    private TaskCompletionSource? held;

    /// <summary>A tarpit: connections are accepted and requests read, but nothing is answered until <see cref="Answer"/>.</summary>
    public void Hold() => held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Answer() => held?.TrySetResult();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var receiver = new WebhookReceiver(builder.Build());
        receiver.app.MapPost("/hook", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            if (receiver.held is { } hold)
            {
                try
                {
                    await hold.Task.WaitAsync(context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty; // the sender gave up: nothing was received
                }
            }

            receiver.Received.Enqueue(new Delivery(context.Request.Headers["Omakase-Signature"], context.Request.Headers["Omakase-Delivery-Id"], body.ToArray()));
            return Results.StatusCode(receiver.Answers.TryDequeue(out var status) ? status : 200);
        });
        await receiver.app.StartAsync();
        var address = receiver.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address + "/hook";
        return receiver;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
