using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Keys;

namespace OmakaseRobo.Api.Features.Webhooks;

internal static class WebhooksSetup
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, OmakaseOptions options, Runtime runtime)
    {
        // Loopback http receivers exist only in local tests; in AWS the policy never allows them.
        var policy = new WebhookAddressPolicy(allowLoopbackHttp: !runtime.InAws && options.Webhooks.AllowLoopbackHttp);
        services.AddSingleton(policy);
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<WebhooksService>();
        services.AddSingleton(sp => new WebhookDispatcher(
            sp.GetRequiredService<WebhookStore>(),
            sp.GetRequiredService<EnvelopeCipher>(),
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
