using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Webhooks;

/// <summary>A tenant's webhook for security notices: set and read by the tenant's own admins.</summary>
public static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var webhook = routes.MapGroup("/v1/tenants/{tenantId}/webhook").WithTags("Webhook");
        webhook.MapPut("/", Put).RequirePermission(Permissions.WebhookManage, platform: null);
        webhook.MapGet("/", Get).RequirePermission(Permissions.WebhookManage, platform: null);
        return routes;
    }

    public static async Task<Results<Ok<WebhookView>, ValidationProblem, ProblemHttpResult>> Put(
        string tenantId, PutWebhookRequest request, Caller caller, WebhooksService webhooks, CancellationToken cancellationToken) =>
        (await webhooks.PutAsync(tenantId, request, caller, cancellationToken)).Map(TypedResults.Ok);

    public static async Task<Results<Ok<WebhookView>, ValidationProblem, ProblemHttpResult>> Get(string tenantId, WebhooksService webhooks, CancellationToken cancellationToken) =>
        (await webhooks.GetAsync(tenantId, cancellationToken)).Map(TypedResults.Ok);
}
