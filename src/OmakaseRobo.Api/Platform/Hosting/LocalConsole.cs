using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace OmakaseRobo.Api.Platform.Hosting;

/// <summary>
/// What the local run tells the person who started it, on standard error (standard output carries the JSON log
/// lines): progress while DynamoDB Local is fetched and the tables are made, then one line saying where to go.
/// </summary>
internal static class LocalConsole
{
    public const string ReadyPrefix = "Omakase Robo API ready: ";

    public static void Line(string text) => Console.Error.WriteLine($"[omakase] {text}");

    /// <summary>Local mode only; a job run from the command line serves nobody and says nothing.</summary>
    public static IServiceCollection AddLocalReadyLine(this IServiceCollection services, Runtime runtime)
    {
        if (!runtime.InAws)
        {
            services.AddHostedService<LocalReadyLine>();
        }

        return services;
    }
}

/// <summary>Once Kestrel listens: the API's address and, where this process serves them, the docs page and document.</summary>
internal sealed class LocalReadyLine(IServer server, IHostApplicationLifetime lifetime, OmakaseOptions options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (address is not null)
            {
                var docs = !PlatformApi.ServesDocument(options) ? string.Empty
                    : PlatformApi.DocsPageSupported ? $"API docs: {address}/scalar/v1, OpenAPI: {address}/openapi/v1.json; "
                    : $"OpenAPI: {address}/openapi/v1.json; ";
                Console.Error.WriteLine($"{LocalConsole.ReadyPrefix}{address}  ({docs}Ctrl-C stops it)");
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
