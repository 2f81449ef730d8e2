using System.Net;
using System.Security.Cryptography;
using System.Text;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Webhooks;

/// <summary>The trail of a webhook change: who set it and where deliveries go, never a secret a receiver keeps in its URL.</summary>
public sealed class WebhookAuditTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task A_webhook_change_is_audited_by_host_and_digest_never_by_the_path_or_query_that_may_hold_a_receivers_secret()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        const string Url = "https://hooks.example.com:8443/services/T0001/B0002/path-secret-4f1c?token=query-secret-9d2e";

        await ApiClient.ReadAsync(
            await app.Api().PutAsync($"/v1/tenants/{tenant}/webhook", new { url = Url, secret = "secret-of-the-tenant-0123456789abcdef" }, admin.Token), HttpStatusCode.OK);

        await app.FlushAuditAsync();
        var record = (await app.StoredEventsAsync(tenant, app.Today())).Single(e => e["action"].S == "webhook.put");
        Assert.Equal("hooks.example.com:8443", record["details"].M["host"].S);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Url))), record["details"].M["urlSha256"].S);
        var stored = string.Join('\n', record.Select(a => a.Value.S ?? string.Join(',', a.Value.M?.Select(m => m.Value.S) ?? [])));
        Assert.DoesNotContain("path-secret", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("query-secret", stored, StringComparison.Ordinal);
    }
}
