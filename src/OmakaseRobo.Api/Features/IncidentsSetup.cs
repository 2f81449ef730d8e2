using OmakaseRobo.Api.Features.Incidents;
using OmakaseRobo.Api.Features.Vulnerabilities;
using OmakaseRobo.Api.Features.Webhooks;
using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Features;

/// <summary>Incidents, notices, webhooks and vulnerability findings.</summary>
public static class IncidentsSetup
{
    public static IServiceCollection AddIncidents(this IServiceCollection services, OmakaseOptions options, Runtime runtime)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runtime);
        // Loopback http receivers exist only in local tests; in AWS the policy never allows them.
        var policy = new WebhookAddressPolicy(allowLoopbackHttp: !runtime.InAws && options.Webhooks.AllowLoopbackHttp);
        services.AddSingleton(policy);
        services.AddSingleton<IncidentStore>();
        services.AddSingleton<IncidentsService>();
        services.AddSingleton<LegalHoldStore>();
        services.AddSingleton<LegalHoldService>();
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<VulnerabilityStore>();
        services.AddSingleton(sp => new WebhookDispatcher(
            sp.GetRequiredService<WebhookStore>(),
            sp.GetRequiredService<Platform.Keys.EnvelopeCipher>(),
            new HttpClient(new SocketsHttpHandler
            {
                ConnectCallback = policy.ConnectAsync,
                AllowAutoRedirect = false, // a redirect could lead anywhere the policy did not check
                UseProxy = false,
                ConnectTimeout = options.Webhooks.Timeout,
            })
            { Timeout = options.Webhooks.Timeout },
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<WebhookDispatcher>>()));
        return services;
    }
}
