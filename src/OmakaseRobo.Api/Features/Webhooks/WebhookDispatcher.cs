using System.Text;
using System.Text.Json;
using OmakaseRobo.Api.Platform.Keys;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api;

namespace OmakaseRobo.Api.Features.Webhooks;

/// <summary>
/// Delivers events to a tenant's webhook, signed, and records every attempt. The first attempt is made at once;
/// a failure is retried with back-off (1 min, 5 min, 30 min, 2 h, 6 h) by the retry sweep (job retry-webhooks),
/// always with the same body and delivery id so a receiver can drop duplicates.
/// </summary>
public sealed partial class WebhookDispatcher(
    WebhookStore store, EnvelopeCipher cipher, HttpClient http, TimeProvider clock, ILogger<WebhookDispatcher> logger)
{
    public const string NoticeEvent = "security-notice";
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6)];

    public static EncryptionContext SecretContext(string tenantId) => new(tenantId, "webhook-secret", tenantId);

    /// <summary>Records and attempts a delivery; nothing when the tenant has no webhook.</summary>
    public async Task<DeliveryRecord?> SendAsync(string tenantId, WebhookNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var config = await store.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (config is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var deliveryId = Ids.New("d");
        var body = JsonSerializer.Serialize(new WebhookPayload(deliveryId, NoticeEvent, tenantId, now, notice), AppJsonContext.Default.WebhookPayload);
        var delivery = new DeliveryRecord(tenantId, deliveryId, NoticeEvent, body, DeliveryRecord.Pending, 0, null, now, now);
        return await AttemptAsync(delivery, config, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The retry sweep: every pending delivery whose time has come gets one more attempt.</summary>
    public async Task<int> RetryDueAsync(CancellationToken cancellationToken)
    {
        var due = await store.DueAsync(clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        foreach (var delivery in due)
        {
            var config = await store.GetAsync(delivery.TenantId, cancellationToken).ConfigureAwait(false);
            if (config is null)
            {
                await store.SaveDeliveryAsync(delivery with { Status = DeliveryRecord.Failed, NextAttemptAt = null }, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await AttemptAsync(delivery, config, cancellationToken).ConfigureAwait(false);
        }

        return due.Count;
    }

    private async Task<DeliveryRecord> AttemptAsync(DeliveryRecord delivery, WebhookConfig config, CancellationToken cancellationToken)
    {
        var secret = Encoding.UTF8.GetString(await cipher.OpenAsync(config.SealedSecret, SecretContext(config.TenantId), cancellationToken).ConfigureAwait(false));
        var body = Encoding.UTF8.GetBytes(delivery.Body);
        int? status = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, config.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
            request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(secret, clock.GetUtcNow(), body));
            request.Headers.Add(WebhookSignature.DeliveryHeader, delivery.DeliveryId);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException e)
        {
            LogFailed(logger, delivery.DeliveryId, e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, delivery.DeliveryId, "timed out");
        }

        var attempts = delivery.Attempts + 1;
        var delivered = status is >= 200 and < 300;
        var next = delivered || attempts > Backoff.Length ? (DateTimeOffset?)null : clock.GetUtcNow() + Backoff[attempts - 1];
        var updated = delivery with
        {
            Attempts = attempts,
            LastStatusCode = status,
            Status = delivered ? DeliveryRecord.Delivered : next is null ? DeliveryRecord.Failed : DeliveryRecord.Pending,
            NextAttemptAt = next,
        };
        await store.SaveDeliveryAsync(updated, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string deliveryId, string reason);
}
