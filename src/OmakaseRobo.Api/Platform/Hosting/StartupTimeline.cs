using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace OmakaseRobo.Api.Platform.Hosting;

/// <summary>
/// Where a cold start's time goes (issue 17): from the entry point to the host built, each hosted service, Kestrel
/// listening, the DynamoDB client's construction and first call, and the first request; one Information line when the
/// first request (after any readiness check) ends. Durations of this process, read from the system clock's timestamp like a stopwatch: the
/// injected TimeProvider is for the domain's time, and a test's fake clock would report zeros.
/// </summary>
internal sealed partial class StartupTimeline
{
    private readonly TimeProvider clock = TimeProvider.System;
    private readonly long started;
    private readonly DateTimeOffset startedAt;
    private readonly List<(int Index, double AtMs)> marks = [];
    private double builtMs = double.NaN;
    private double listeningMs = double.NaN;
    private double clientStartMs = double.NaN;
    private double clientMs = double.NaN;
    private double firstCallStartMs = double.NaN;
    private double firstCallMs = double.NaN;
    private int firstRequest = 1;

    private StartupTimeline()
    {
        started = clock.GetTimestamp();
        startedAt = clock.GetUtcNow();
    }

    /// <summary>Call first thing in the entry point: the timeline counts from here.</summary>
    public static StartupTimeline Begin() => new();

    private double Now() => clock.GetElapsedTime(started).TotalMilliseconds;

    /// <summary>
    /// Call just before <c>Build()</c>, once every hosted service is registered: a mark goes before each of them and one
    /// after the last (they start one after the other, in order), and the DynamoDB client's factory is timed.
    /// </summary>
    public void Register(IServiceCollection services)
    {
        services.AddSingleton(this);
        var hosted = services.Select((descriptor, position) => (descriptor, position))
            .Where(entry => entry.descriptor.ServiceType == typeof(IHostedService)).Select(entry => entry.position).ToList();
        var count = hosted.Count;
        for (var i = count - 1; i >= 0; i--)
        {
            var index = i;
            services.Insert(hosted[i], ServiceDescriptor.Singleton<IHostedService>(_ => new Mark(this, index)));
        }

        services.Add(ServiceDescriptor.Singleton<IHostedService>(_ => new Mark(this, count)));

        var dynamo = services.LastOrDefault(descriptor => descriptor.ServiceType == typeof(IAmazonDynamoDB));
        if (dynamo?.ImplementationFactory is { } factory)
        {
            services.Remove(dynamo);
            services.Add(ServiceDescriptor.Singleton<IAmazonDynamoDB>(provider =>
            {
                clientStartMs = Now();
                var client = (IAmazonDynamoDB)factory(provider);
                clientMs = Now() - clientStartMs;
                return TimeFirstCall(client);
            }));
        }
    }

    /// <summary>Call right after <c>Build()</c>.</summary>
    public void Built(WebApplication app)
    {
        builtMs = Now();
        app.Lifetime.ApplicationStarted.Register(() => listeningMs = Now());
        var logger = app.Services.GetRequiredService<ILogger<StartupTimeline>>();
        app.Use(async (context, next) =>
        {
            // The web adapter's readiness checks (/healthz) come before the first real request: that is the one timed.
            if (context.Request.Path.StartsWithSegments("/healthz") || Interlocked.Exchange(ref firstRequest, 0) == 0)
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            var requestStart = Now();
            await next(context).ConfigureAwait(false);
            var requestMs = Now() - requestStart;
            if (logger.IsEnabled(LogLevel.Information))
            {
                var line =
                    $"(ms since the entry point at unix ms {startedAt.ToUnixTimeMilliseconds()}): host built {Ms(builtMs)}; hosted services {HostedServices(app.Services)}; "
                    + $"listening {Ms(listeningMs)}; DynamoDB client built at {Ms(clientStartMs)} in {Ms(clientMs)}; first DynamoDB call at {Ms(firstCallStartMs)} "
                    + $"took {Ms(firstCallMs)}; first request at {Ms(requestStart)} took {Ms(requestMs)} ({context.Response.StatusCode})";
                LogColdStart(logger, line);
            }
        });
    }

    private IAmazonDynamoDB TimeFirstCall(IAmazonDynamoDB client)
    {
        if (client is AmazonServiceClient service)
        {
            var first = 1;
            service.BeforeRequestEvent += (_, _) =>
            {
                if (Interlocked.Exchange(ref first, 0) == 1)
                {
                    firstCallStartMs = Now();
                }
            };
            service.AfterResponseEvent += (_, _) =>
            {
                if (double.IsNaN(firstCallMs) && !double.IsNaN(firstCallStartMs))
                {
                    firstCallMs = Now() - firstCallStartMs;
                }
            };
        }

        return client;
    }

    /// <summary>Each hosted service and its start time: the marks around it tell.</summary>
    private string HostedServices(IServiceProvider provider)
    {
        var services = provider.GetServices<IHostedService>().Where(service => service is not Mark).ToList();
        var at = new Dictionary<int, double>();
        lock (marks)
        {
            foreach (var (index, atMs) in marks)
            {
                at[index] = atMs;
            }
        }

        var text = new StringBuilder();
        for (var i = 0; i < services.Count; i++)
        {
            var duration = at.TryGetValue(i, out var from) && at.TryGetValue(i + 1, out var to) ? to - from : double.NaN;
            text.Append(text.Length == 0 ? string.Empty : " ").Append(services[i].GetType().Name).Append('=').Append(Ms(duration));
        }

        return text.ToString();
    }

    private static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString("0.0", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cold start {Timeline}")]
    private static partial void LogColdStart(ILogger logger, string timeline);

    /// <summary>Starts before hosted service <c>Index</c> (after the last one when Index is their count).</summary>
    private sealed class Mark(StartupTimeline timeline, int index) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lock (timeline.marks)
            {
                timeline.marks.Add((index, timeline.Now()));
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
