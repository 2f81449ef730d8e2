using System.Net;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Reliability;

/// <summary>The steps of the notice stories: tenants whose admins set a webhook, an incident that affects them.</summary>
public static class NoticeSteps
{
    public const string Secret = "a-long-random-secret-of-32-characters-or-more";

    /// <summary>A tenant per receiver, with an admin who points the tenant's webhook at it.</summary>
    public static async Task<List<(string Tenant, SignedIn Admin, WebhookReceiver Receiver)>> TenantsWithWebhooksAsync(this OmakaseApp app, IEnumerable<WebhookReceiver> receivers)
    {
        ArgumentNullException.ThrowIfNull(receivers);
        var tenants = new List<(string, SignedIn, WebhookReceiver)>();
        foreach (var receiver in receivers)
        {
            var tenant = await app.CreateTenantAsync();
            var admin = await app.NewUserAsync(tenant, ["admin"]);
            await ApiClient.ReadAsync(await app.Api().PutAsync($"/v1/tenants/{tenant}/webhook", new { url = receiver.Url, secret = Secret }, admin.Token), HttpStatusCode.OK);
            tenants.Add((tenant, admin, receiver));
        }

        return tenants;
    }

    /// <summary>An incident an operator opens for these tenants; its id.</summary>
    public static async Task<string> IncidentForAsync(this OmakaseApp app, SignedIn op, IEnumerable<string> tenants)
    {
        ArgumentNullException.ThrowIfNull(op);
        var created = await ApiClient.ReadAsync(
            await app.Api().PostAsync("/v1/incidents", new { title = "Breach", description = "D", affectedTenantIds = tenants.ToArray() }, op.Token), HttpStatusCode.Created);
        return created.GetProperty("incidentId").GetString()!;
    }
}
