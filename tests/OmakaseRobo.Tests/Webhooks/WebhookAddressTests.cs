using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Features.Webhooks;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Webhooks;

public sealed class WebhookAddressTests
{
    private const string Secret = "secret-of-the-tenant-0123456789abcdef";

    [Theory]
    [InlineData("192.0.2.1", false)]            // TEST-NET-1
    [InlineData("198.51.100.1", false)]         // TEST-NET-2
    [InlineData("203.0.113.1", false)]          // TEST-NET-3
    [InlineData("100.64.0.1", false)]           // carrier-grade NAT
    [InlineData("169.254.169.254", false)]      // the cloud metadata service
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("192.0.0.8", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("192.88.99.1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("240.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::ffff:192.0.2.1", false)]      // IPv4-mapped
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("::a9fe:a9fe", false)]           // IPv4-compatible 169.254.169.254
    [InlineData("64:ff9b::a9fe:a9fe", false)]    // NAT64 of 169.254.169.254
    [InlineData("64:ff9b:1::808:808", false)]    // local-use NAT64: refused whatever it embeds
    [InlineData("2002:a9fe:a9fe::1", false)]     // 6to4 of 169.254.169.254
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", false)] // Teredo
    [InlineData("2001:db8::1", false)]
    [InlineData("3fff::1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fec0::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("100::1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("1.1.1.1", true)]
    [InlineData("52.95.110.1", true)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("64:ff9b::808:808", true)]       // NAT64 of 8.8.8.8
    [InlineData("2002:808:808::1", true)]        // 6to4 of 8.8.8.8
    [InlineData("2001:4860:4860::8888", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("2400:cb00::1", true)]
    public void Only_globally_routable_unicast_addresses_are_acceptable_for_deliveries(string address, bool allowed)
    {
        var policy = new WebhookAddressPolicy(allowLoopbackHttp: false);

        Assert.Equal(allowed, policy.IsAcceptableAddress(IPAddress.Parse(address)));
    }

    [Fact]
    public async Task A_literal_ip_or_local_host_is_refused_when_the_webhook_is_set_even_in_a_parallel_burst()
    {
        using var app = new OmakaseApp(); // no AllowLoopbackHttp: as in AWS
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        string[] hosts =
        [
            "169.254.169.254", "192.0.2.1", "198.51.100.1", "203.0.113.1", "100.64.0.1", "10.0.0.1", "8.8.8.8", "0x7f.1", "2130706433",
            "017700000001", "[::ffff:192.0.2.1]", "[::ffff:a9fe:a9fe]", "[64:ff9b::a9fe:a9fe]", "[2002:a9fe:a9fe::1]", "[fc00::1]",
            "[fe80::1]", "[2001:4860:4860::8888]", "[::a9fe:a9fe]", "localhost.", "metadata", "intranet", "foo.localhost", "LOCALHOST",
            "169.254.169.254.", "[::]", "hooks.example.com:0",
        ];

        var responses = await Task.WhenAll(hosts.Select(async host =>
            (host, await app.Api().PutAsync($"/v1/tenants/{tenant}/webhook", new { url = $"https://{host}/hook", secret = Secret }, admin.Token))));

        foreach (var (host, response) in responses)
        {
            var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.Body.GetProperty("errors").TryGetProperty("url", out _), host);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await app.Api().GetAsync($"/v1/tenants/{tenant}/webhook", admin.Token)).StatusCode);
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_at_connect_time_after_dns()
    {
        using var app = new OmakaseApp(); // no AllowLoopbackHttp: as in AWS
        await using var receiver = await WebhookReceiver.StartAsync();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var port = new Uri(receiver.Url).Port;
        // A stored webhook the PUT check would refuse today (set before it existed, say): only the connect-time guard stands.
        var record = app.Services.GetRequiredService<OmakaseRobo.Api.Platform.Auditing.IAuditTrail>().Stage(new OmakaseRobo.Api.Platform.Auditing.AuditEvent(
            OmakaseRobo.Api.Platform.Auditing.AuditCategory.Operation, tenant, null, "webhook.put", tenant, "success", null, null));
        await app.Services.GetRequiredService<WebhookStore>().PutAsync(
            new WebhookConfig(tenant, $"https://localhost:{port}/hook", await SealAsync(app, tenant), app.Clock.GetUtcNow()), record, CancellationToken.None);
        var incident = (await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/incidents", new { title = "T", description = "D", affectedTenantIds = new[] { tenant } }, op.Token), HttpStatusCode.Created)).GetProperty("incidentId").GetString();

        await ApiClient.ReadAsync(await app.Api().PostAsync($"/v1/incidents/{incident}/notices", new { kind = "initial", message = "First notice" }, op.Token), HttpStatusCode.Created);

        var webhook = await ApiClient.ReadAsync(await app.Api().GetAsync($"/v1/tenants/{tenant}/webhook", admin.Token), HttpStatusCode.OK);
        var delivery = webhook.GetProperty("deliveries")[0];
        Assert.False(delivery.TryGetProperty("lastStatusCode", out _));
        Assert.Equal("pending", delivery.GetProperty("status").GetString());
        Assert.Empty(receiver.Received);
        Assert.Contains(app.Logs.Lines, line => line.Contains("resolves to an address that is not allowed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_test_only_loopback_option_still_delivers_to_a_loopback_http_receiver()
    {
        using var app = new OmakaseApp();
        app.Settings["Omakase:Webhooks:AllowLoopbackHttp"] = "true";
        await using var receiver = await WebhookReceiver.StartAsync();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        // The option opens loopback only: any other literal address is still refused.
        foreach (var url in new[] { "https://169.254.169.254/hook", "http://10.0.0.1/hook", "https://[::ffff:a9fe:a9fe]/hook", "http://hooks.customer.example/x" })
        {
            var refused = await Problem.ReadAsync(await app.Api().PutAsync($"/v1/tenants/{tenant}/webhook", new { url, secret = Secret }, admin.Token), HttpStatusCode.BadRequest);
            Assert.True(refused.Body.GetProperty("errors").TryGetProperty("url", out _), url);
        }

        await ApiClient.ReadAsync(await app.Api().PutAsync($"/v1/tenants/{tenant}/webhook", new { url = receiver.Url, secret = Secret }, admin.Token), HttpStatusCode.OK);
        var incident = (await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/incidents", new { title = "T", description = "D", affectedTenantIds = new[] { tenant } }, op.Token), HttpStatusCode.Created)).GetProperty("incidentId").GetString();

        await ApiClient.ReadAsync(await app.Api().PostAsync($"/v1/incidents/{incident}/notices", new { kind = "initial", message = "First notice" }, op.Token), HttpStatusCode.Created);

        Assert.Single(receiver.Received);
    }

    private static async Task<string> SealAsync(OmakaseApp app, string tenant) =>
        await app.Services.GetRequiredService<OmakaseRobo.Api.Platform.Keys.EnvelopeCipher>()
            .SealAsync(System.Text.Encoding.UTF8.GetBytes(Secret), WebhookDispatcher.SecretContext(tenant), CancellationToken.None);
}
