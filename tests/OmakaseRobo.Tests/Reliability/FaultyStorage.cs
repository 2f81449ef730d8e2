using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OmakaseRobo.Tests.Reliability;

/// <summary>
/// An app whose storage runs through a fault proxy. Its set-up runs on the tests' patient request budget; from the first
/// fault on, a request has <see cref="RequestBudget"/> (5 s) so faults show in seconds. Storage calls keep the local
/// attempt timeout. A loaded CI box must not turn a healthy call, start-up and set-up included, into a 503.
/// </summary>
public sealed class FaultyStorage : IAsyncDisposable
{
    public const double BudgetSeconds = 5;

    private FaultyStorage(OmakaseApp app, FaultProxy proxy, TimeSpan? requestBudget)
    {
        App = app;
        Proxy = proxy;
        if (requestBudget is { } budget)
        {
            RequestBudget = budget;
            proxy.Faulting += () => app.Services.GetRequiredService<OmakaseOptions>().Dependencies.RequestBudget = RequestBudget;
        }
    }

    public OmakaseApp App { get; }

    public FaultProxy Proxy { get; }

    /// <summary>The budget of each request from the first fault on; a test may set another before its first fault.</summary>
    public TimeSpan RequestBudget { get; set; }

    /// <summary>
    /// The app on the proxy; <paramref name="production"/> gives DynamoDB the AWS budget (2 s attempts, 3 of them) and the 10 s request budget;
    /// <paramref name="kestrel"/> serves it on a real loopback port, where an answer cut short shows as the client sees it (a reset connection).
    /// </summary>
    public static FaultyStorage Start(bool production = false, bool kestrel = false)
    {
        var proxy = FaultProxy.Start(SharedDynamoDb.Endpoint);
        var app = new OmakaseApp();
        app.Settings[StorageSetup.EndpointKey] = proxy.Endpoint;
        if (kestrel)
        {
            app.Settings["urls"] = "http://127.0.0.1:0"; // a free port, not the local run's 5080
            app.UseKestrel(0);
        }

        if (production)
        {
            app.Settings["Omakase:Dependencies:DynamoDbLocal:ConnectTimeout"] = TimeSpan.FromSeconds(1).ToString();
            app.Settings["Omakase:Dependencies:DynamoDbLocal:AttemptTimeout"] = TimeSpan.FromSeconds(2).ToString();
            return new FaultyStorage(app, proxy, TimeSpan.FromSeconds(10));
        }

        app.Settings["Omakase:Dependencies:DynamoDbLocal:AttemptTimeout"] = TimeSpan.FromSeconds(10).ToString();
        app.Settings["Omakase:Dependencies:AccessRecordBudget"] = TimeSpan.FromSeconds(1).ToString();
        return new FaultyStorage(app, proxy, TimeSpan.FromSeconds(BudgetSeconds));
    }

    /// <summary>
    /// The app on the proxy with the tests' patient budgets (<see cref="OmakaseApp"/>), for faults that refuse connections:
    /// those fail at once and need no tight budget to show, and a loaded box cannot turn a long set-up into 503s.
    /// </summary>
    public static FaultyStorage StartPatient()
    {
        var proxy = FaultProxy.Start(SharedDynamoDb.Endpoint);
        var app = new OmakaseApp();
        app.Settings[StorageSetup.EndpointKey] = proxy.Endpoint;
        return new FaultyStorage(app, proxy, requestBudget: null);
    }

    /// <summary>Sends, times, prints, and checks the answer is the 503 problem with Retry-After.</summary>
    public static async Task<TimeSpan> ExpectUnavailableAsync(ITestOutputHelper output, string what, Func<Task<HttpResponseMessage>> send)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(send);
        var watch = Stopwatch.StartNew();
        using var response = await send();
        watch.Stop();
        output.WriteLine($"{what}: {(int)response.StatusCode} after {watch.Elapsed.TotalMilliseconds:0} ms");
        var problem = await Problem.ReadAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("urn:omakase-robo:problem:storage-unavailable", problem.Type);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
        return watch.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        Proxy.Pass();
        await App.DisposeAsync();
        await Proxy.DisposeAsync();
    }
}
