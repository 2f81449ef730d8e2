using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.OpenApi;

namespace OmakaseRobo.Api.Features.Webhooks;

/// <summary>A tenant's webhook for security notices: set and read by the tenant's own admins.</summary>
internal static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var webhook = routes.MapGroup("/v1/tenants/{tenantId}/webhook").WithTags("Webhook");
        webhook.MapPut("/", Put).RequirePermission(Permissions.WebhookManage, platform: null)
            .WithSummary("Set the tenant's webhook").WithDescription("An https URL and a secret of at least 32 characters (stored encrypted, never shown again). "
                + "Each delivery is signed: `Omakase-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"t.body\">`.")
            .WithExamples("""{"url":"https://hooks.example.co.jp/omakase","secret":"a-long-random-secret-of-32-characters-or-more"}""");
        webhook.MapGet("/", Get).RequirePermission(Permissions.WebhookManage, platform: null)
            .WithSummary("Read the tenant's webhook").WithDescription("The URL and the last deliveries with their attempts and status; never the secret.");
        return routes;
    }

    public static async Task<Results<Ok<WebhookView>, ValidationProblem, ProblemHttpResult>> Put(
        string tenantId, PutWebhookRequest request, Caller caller, WebhooksService webhooks, CancellationToken cancellationToken) =>
        (await webhooks.PutAsync(tenantId, request, caller, cancellationToken)).Map(TypedResults.Ok);

    public static async Task<Results<Ok<WebhookView>, ValidationProblem, ProblemHttpResult>> Get(string tenantId, WebhooksService webhooks, CancellationToken cancellationToken) =>
        (await webhooks.GetAsync(tenantId, cancellationToken)).Map(TypedResults.Ok);
}
