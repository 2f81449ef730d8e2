using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Platform.Keys;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Webhooks;

/// <summary>A tenant's webhook for security notices: set and read by the tenant's own admins.</summary>
public static class WebhooksApi
{
    public const int MinSecretLength = 32;

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var webhook = routes.MapGroup("/v1/tenants/{tenantId}/webhook").WithTags("Webhook");
        webhook.MapPut("/", Put).RequirePermission(Permissions.WebhookManage, platform: null);
        webhook.MapGet("/", Get).RequirePermission(Permissions.WebhookManage, platform: null);
        return routes;
    }

    public static async Task<Results<Ok<WebhookView>, ValidationProblem>> Put(
        string tenantId, PutWebhookRequest request, Caller caller, WebhookStore store, WebhookAddressPolicy policy, EnvelopeCipher cipher,
        IAuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = Validate.Fields(
            ("url", Validate.Required(request.Url, 2048) ?? policy.UrlError(request.Url)),
            ("secret", Validate.Required(request.Secret, 256) ?? (request.Secret!.Length >= MinSecretLength ? null : "secret-too-short")));
        if (errors is not null)
        {
            return Problems.Validation(errors);
        }

        var now = clock.GetUtcNow();
        var sealedSecret = await cipher.SealAsync(Encoding.UTF8.GetBytes(request.Secret!), WebhookDispatcher.SecretContext(tenantId), cancellationToken);
        await store.PutAsync(new WebhookConfig(tenantId, request.Url!, sealedSecret, now), cancellationToken);
        await audit.WriteAsync(new AuditEvent(
            AuditCategory.Operation, tenantId, caller.UserId, "webhook.put", tenantId, "success", caller.SourceIp, caller.UserAgent,
            new Dictionary<string, string> { ["url"] = request.Url! }), cancellationToken);
        return TypedResults.Ok(new WebhookView(request.Url!, now, []));
    }

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> Get(string tenantId, WebhookStore store, CancellationToken cancellationToken)
    {
        var config = await store.GetAsync(tenantId, cancellationToken);
        if (config is null)
        {
            return Problems.Of("not-found");
        }

        var deliveries = await store.ListDeliveriesAsync(tenantId, cancellationToken);
        return TypedResults.Ok(new WebhookView(config.Url, config.UpdatedAt, [.. deliveries.Select(d =>
            new DeliveryView(d.DeliveryId, d.EventType, d.Status, d.Attempts, d.LastStatusCode, d.CreatedAt, d.NextAttemptAt))]));
    }
}
