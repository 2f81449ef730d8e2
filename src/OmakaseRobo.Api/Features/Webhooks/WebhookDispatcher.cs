using System.Text;
using System.Text.Json;
using OmakaseRobo.Api.Platform.Keys;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api;

namespace OmakaseRobo.Api.Features.Webhooks;

/// <summary>
/// Delivers events to a tenant's webhook, signed, and records every attempt. A delivery is stored pending first, in the
/// same transaction as what it announces (a notice), and attempted at once, all of a call's deliveries together within
/// a bounded time; whatever did not succeed in it is left pending, and retried with back-off (1 min, 5 min, 30 min,
/// 2 h, 6 h) by the retry sweep (job retry-webhooks), always with the same body and delivery id so a receiver can drop duplicates.
/// </summary>
internal sealed partial class WebhookDispatcher(
    WebhookStore store, EnvelopeCipher cipher, HttpClient http, TimeProvider clock, ILogger<WebhookDispatcher> logger)
{
    public const string NoticeEvent = "security-notice";
    private const int ParallelRetries = 16;
    private static readonly TimeSpan SweepBudget = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6)];

    public static EncryptionContext SecretContext(string tenantId) => new(tenantId, "webhook-secret", tenantId);

    /// <summary>
    /// A notice's delivery as it is first stored: pending, due for the retry sweep only after the first back-off, so the
    /// sweep does not race the attempt made at once.
    /// </summary>
    public static DeliveryRecord NewDelivery(string tenantId, string deliveryId, WebhookNotice notice, DateTimeOffset now)
    {
        var body = JsonSerializer.Serialize(new WebhookPayload(deliveryId, NoticeEvent, tenantId, now, notice), AppJsonContext.Default.WebhookPayload);
        return new DeliveryRecord(tenantId, deliveryId, NoticeEvent, body, DeliveryRecord.Pending, 0, null, now, now + Backoff[0]);
    }

    /// <summary>Which of these tenants have a webhook: only they get a delivery.</summary>
    public async Task<HashSet<string>> TenantsWithWebhookAsync(IEnumerable<string> tenantIds, CancellationToken cancellationToken) =>
        [.. (await store.GetManyAsync(tenantIds, cancellationToken).ConfigureAwait(false)).Select(c => c.TenantId)];

    /// <summary>
    /// Attempts stored deliveries all at once, for at most <paramref name="budget"/> in total (an I/O deadline, by the
    /// wall clock): a receiver that hangs costs the caller the budget, not its timeout. Returns how many were delivered.
    /// </summary>
    public async Task<int> DeliverWithinAsync(IReadOnlyList<DeliveryRecord> deliveries, TimeSpan budget, CancellationToken cancellationToken)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(budget);
        var attempts = deliveries.Select(d => AttemptStoredAsync(d, window.Token)).ToList();
        var delivered = await Task.WhenAll(attempts).ConfigureAwait(false);
        return delivered.Count(d => d);
    }

    /// <summary>
    /// The retry sweep: every pending delivery whose time has come gets one more attempt, several at once, a page of the
    /// retry index at a time. An attempt moves its delivery out of the page's range (to a later time, or out of the index),
    /// so the pages, read on from the last key, never offer it twice. No new page is started after <see cref="SweepBudget"/>:
    /// the rest waits for the next run, five minutes later.
    /// </summary>
    public async Task<int> RetryDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var started = clock.GetTimestamp();
        var attempted = 0;
        Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue>? from = null;
        do
        {
            (var due, from) = await store.DueAsync(now, from, cancellationToken).ConfigureAwait(false);
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = ParallelRetries, CancellationToken = cancellationToken }, async (delivery, token) =>
            {
                var config = await store.GetAsync(delivery.TenantId, token).ConfigureAwait(false);
                if (config is null)
                {
                    await store.SaveDeliveryAsync(delivery with { Status = DeliveryRecord.Failed, NextAttemptAt = null }, token).ConfigureAwait(false);
                    return;
                }

                await AttemptAsync(delivery, config, token).ConfigureAwait(false);
            }).ConfigureAwait(false);
            attempted += due.Count;
        }
        while (from is not null && clock.GetElapsedTime(started) < SweepBudget);

        return attempted;
    }

    /// <summary>One attempt within the window; cut off by it, the delivery stays as stored: pending, for the sweep.</summary>
    private async Task<bool> AttemptStoredAsync(DeliveryRecord delivery, CancellationToken window)
    {
        try
        {
            var config = await store.GetAsync(delivery.TenantId, window).ConfigureAwait(false);
            return config is not null && (await AttemptAsync(delivery, config, window).ConfigureAwait(false)).Status == DeliveryRecord.Delivered;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogLeftPending(logger, exception, delivery.DeliveryId);
            return false;
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} left pending for the retry sweep")]
    private static partial void LogLeftPending(ILogger logger, Exception exception, string deliveryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string deliveryId, string reason);
}
