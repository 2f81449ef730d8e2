using System.Text;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Keys;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Text;

namespace OmakaseRobo.Api.Features.Webhooks;

/// <summary>A tenant's webhook for security notices: https only, to an address the policy allows, its secret sealed.</summary>
internal sealed class WebhooksService(WebhookStore store, WebhookAddressPolicy policy, EnvelopeCipher cipher, IAuditTrail audit, TimeProvider clock)
{
    public const int MinSecretLength = 32;

    public async Task<Outcome<WebhookView>> PutAsync(string tenantId, PutWebhookRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var errors = Validate.Fields(
            ("url", Validate.Required(request.Url, 2048) ?? policy.UrlError(request.Url)),
            ("secret", Validate.Required(request.Secret, 256) ?? (request.Secret!.Length >= MinSecretLength ? null : "secret-too-short")));
        if (errors is not null)
        {
            return new Failure.Invalid(errors);
        }

        var now = clock.GetUtcNow();
        var sealedSecret = await cipher.SealAsync(Encoding.UTF8.GetBytes(request.Secret!), WebhookDispatcher.SecretContext(tenantId), cancellationToken).ConfigureAwait(false);
        // The trail names where deliveries go, not the whole URL: receivers often carry a secret in its path or query.
        var record = audit.Stage(AuditEvent.By(caller, AuditCategory.Operation, "webhook.put", tenantId, tenantId: tenantId, details: new()
        {
            ["host"] = new Uri(request.Url!).Authority,
            ["urlSha256"] = TextDigest.Sha256Hex(request.Url!),
        }));
        await store.PutAsync(new WebhookConfig(tenantId, request.Url!, sealedSecret, now), record, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return new WebhookView(request.Url!, now, []);
    }

    public async Task<Outcome<WebhookView>> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        var config = await store.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (config is null)
        {
            return new Failure.NotFound();
        }

        var deliveries = await store.LatestDeliveriesAsync(tenantId, 50, cancellationToken).ConfigureAwait(false);
        return new WebhookView(config.Url, config.UpdatedAt, [.. deliveries.Select(d =>
            new DeliveryView(d.DeliveryId, d.EventType, d.Status, d.Attempts, d.LastStatusCode, d.CreatedAt, d.NextAttemptAt))]);
    }
}
