using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Features.Webhooks;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Incidents;

public sealed class IncidentStoryTests
{
    private const string SecretA = "secret-of-tenant-a-0123456789abcdef";
    private const string SecretB = "secret-of-tenant-b-0123456789abcdef";

    [Fact]
    public async Task A_customer_report_is_accepted_run_through_every_phase_and_noticed_to_exactly_the_affected_tenants()
    {
        using var app = new OmakaseApp();
        app.Settings["Omakase:Webhooks:AllowLoopbackHttp"] = "true";
        await using var receiver = await WebhookReceiver.StartAsync();
        var api = app.Api();
        var op = await app.OperatorAsync();
        var (a, b, c) = (await app.CreateTenantAsync(), await app.CreateTenantAsync(), await app.CreateTenantAsync());
        var adminA = await app.NewUserAsync(a, ["admin"]);
        var adminB = await app.NewUserAsync(b, ["admin"]);
        var adminC = await app.NewUserAsync(c, ["admin"]);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{a}/webhook", new { url = receiver.Url, secret = SecretA }, adminA.Token), HttpStatusCode.OK);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{b}/webhook", new { url = receiver.Url, secret = SecretB }, adminB.Token), HttpStatusCode.OK);

        // A customer of A reports suspicious activity; it concerns A only and starts as reported.
        var report = await ApiClient.ReadAsync(await api.PostAsync("/v1/incidents", new { title = "Odd sign-ins", description = "Sign-ins at 3 am from abroad", affectedTenantIds = new[] { b } }, adminA.Token), HttpStatusCode.Created);
        var id = report.GetProperty("incidentId").GetString();
        Assert.Equal("reported", report.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/v1/incidents/{id}", adminB.Token)).StatusCode);

        // The security officer accepts it; a skip is refused; phases move in order.
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{id}/transitions", new { to = "detection", note = "confirmed in logs" }, op.Token), HttpStatusCode.OK);
        var skip = await Problem.ReadAsync(await api.PostAsync($"/v1/incidents/{id}/transitions", new { to = "investigation", note = "" }, op.Token), HttpStatusCode.BadRequest);
        Assert.True(skip.Body.GetProperty("errors").TryGetProperty("to", out _));
        var early = await api.PostAsync($"/v1/incidents/{id}/notices", new { kind = "update", message = "before any initial" }, op.Token);
        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);

        // An operator-detected incident affecting A and B.
        var detected = await ApiClient.ReadAsync(await api.PostAsync("/v1/incidents", new { title = "Credential stuffing", description = "Burst of failed sign-ins", severity = "high", affectedTenantIds = new[] { a, b } }, op.Token), HttpStatusCode.Created);
        var incident = detected.GetProperty("incidentId").GetString();
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/notices", new { kind = "initial", message = "We are investigating unusual sign-ins." }, op.Token), HttpStatusCode.Created);
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/transitions", new { to = "initial-response", note = "blocked IPs" }, op.Token), HttpStatusCode.OK);
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/notices", new { kind = "update", message = "Attack blocked; no data accessed." }, op.Token), HttpStatusCode.Created);
        var tooEarly = await api.PostAsync($"/v1/incidents/{incident}/notices", new { kind = "final", message = "Done" }, op.Token);
        Assert.Equal(HttpStatusCode.BadRequest, tooEarly.StatusCode);
        foreach (var phase in new[] { "investigation", "recovery", "post-incident" })
        {
            await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/transitions", new { to = phase, note = "internal: " + phase }, op.Token), HttpStatusCode.OK);
        }

        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/notices", new { kind = "final", message = "Final report attached." }, op.Token), HttpStatusCode.Created);
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/transitions", new { to = "closed", note = "review done" }, op.Token), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsync($"/v1/incidents/{incident}/transitions", new { to = "recovery", note = "" }, op.Token)).StatusCode);

        // A and B each see the three notices; C sees none and not the incident.
        foreach (var (tenant, admin) in new[] { (a, adminA), (b, adminB) })
        {
            var notices = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/notices", admin.Token), HttpStatusCode.OK);
            Assert.Equal(["initial", "update", "final"], notices.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("kind").GetString()));
        }

        var noneForC = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{c}/notices", adminC.Token), HttpStatusCode.OK);
        Assert.Equal(0, noneForC.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/v1/incidents/{incident}", adminC.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/v1/tenants/{a}/notices", adminC.Token)).StatusCode);

        // Customers see phases and notices, never internal notes.
        var customerView = await ApiClient.ReadAsync(await api.GetAsync($"/v1/incidents/{incident}", adminA.Token), HttpStatusCode.OK);
        Assert.False(customerView.TryGetProperty("transitions", out _));
        Assert.DoesNotContain("internal:", customerView.GetRawText(), StringComparison.Ordinal);
        var operatorView = await ApiClient.ReadAsync(await api.GetAsync($"/v1/incidents/{incident}", op.Token), HttpStatusCode.OK);
        Assert.Equal(6, operatorView.GetProperty("phaseTimes").EnumerateObject().Count());
        Assert.Equal(0, operatorView.GetProperty("secondsToInitialNotice").GetDouble());

        // The receiver got each notice once per tenant, each verifiable with that tenant's secret only.
        var deliveries = receiver.Received.ToList();
        Assert.Equal(6, deliveries.Count);
        Assert.Equal(6, deliveries.Select(d => d.DeliveryId).Distinct().Count());
        foreach (var delivery in deliveries)
        {
            var tenant = JsonDocument.Parse(delivery.Body).RootElement.GetProperty("tenantId").GetString();
            var secret = tenant == a ? SecretA : SecretB;
            Assert.True(WebhookSignature.Verify(delivery.Signature, secret, delivery.Body, app.Clock.GetUtcNow()));
            Assert.False(WebhookSignature.Verify(delivery.Signature, tenant == a ? SecretB : SecretA, delivery.Body, app.Clock.GetUtcNow()));
            var tampered = (byte[])delivery.Body.Clone();
            tampered[^2] ^= 0x20;
            Assert.False(WebhookSignature.Verify(delivery.Signature, secret, tampered, app.Clock.GetUtcNow()));
            Assert.False(WebhookSignature.Verify(delivery.Signature, secret, delivery.Body, app.Clock.GetUtcNow().AddMinutes(6)));
        }
    }

    [Fact]
    public async Task A_dismissed_report_tells_the_reporter_why()
    {
        using var app = new OmakaseApp();
        var api = app.Api();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var id = (await ApiClient.ReadAsync(await api.PostAsync("/v1/incidents", new { title = "Phishing?", description = "A mail asked for my password" }, admin.Token), HttpStatusCode.Created)).GetProperty("incidentId").GetString();

        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsync($"/v1/incidents/{id}/transitions", new { to = "dismissed" }, op.Token)).StatusCode);
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{id}/transitions", new { to = "dismissed", note = "A known newsletter, not phishing." }, op.Token), HttpStatusCode.OK);
        var view = await ApiClient.ReadAsync(await api.GetAsync($"/v1/incidents/{id}", admin.Token), HttpStatusCode.OK);

        Assert.Equal("dismissed", view.GetProperty("status").GetString());
        Assert.Equal("A known newsletter, not phishing.", view.GetProperty("dismissReason").GetString());
    }

    [Fact]
    public async Task An_incident_without_an_initial_notice_past_the_deadline_is_flagged()
    {
        using var app = new OmakaseApp();
        var api = app.Api();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        await ApiClient.ReadAsync(await api.PostAsync("/v1/incidents", new { title = "Outage", description = "Queue stuck", affectedTenantIds = new[] { tenant } }, op.Token), HttpStatusCode.Created);

        var fresh = await ApiClient.ReadAsync(await api.GetAsync("/v1/incidents", op.Token), HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromHours(25));
        var late = await ApiClient.ReadAsync(await api.GetAsync("/v1/incidents", await app.SignInWithMfaAsync(op)), HttpStatusCode.OK);

        Assert.False(fresh.GetProperty("items")[0].GetProperty("initialNoticeOverdue").GetBoolean());
        Assert.True(late.GetProperty("items")[0].GetProperty("initialNoticeOverdue").GetBoolean());
    }

    [Fact]
    public async Task A_failed_delivery_is_recorded_and_retried_with_the_same_body_until_it_succeeds()
    {
        using var app = new OmakaseApp();
        app.Settings["Omakase:Webhooks:AllowLoopbackHttp"] = "true";
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answers.Enqueue(500);
        var api = app.Api();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/webhook", new { url = receiver.Url, secret = SecretA }, admin.Token), HttpStatusCode.OK);
        var incident = (await ApiClient.ReadAsync(await api.PostAsync("/v1/incidents", new { title = "T", description = "D", affectedTenantIds = new[] { tenant } }, op.Token), HttpStatusCode.Created)).GetProperty("incidentId").GetString();
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/notices", new { kind = "initial", message = "First notice" }, op.Token), HttpStatusCode.Created);

        var pending = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/webhook", admin.Token), HttpStatusCode.OK);
        var dispatcher = app.Services.GetRequiredService<WebhookDispatcher>();
        Assert.Equal(0, await dispatcher.RetryDueAsync(CancellationToken.None)); // not due yet
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await dispatcher.RetryDueAsync(CancellationToken.None));
        var delivered = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/webhook", admin.Token), HttpStatusCode.OK);

        var first = pending.GetProperty("deliveries")[0];
        Assert.Equal("pending", first.GetProperty("status").GetString());
        Assert.Equal(500, first.GetProperty("lastStatusCode").GetInt32());
        var last = delivered.GetProperty("deliveries")[0];
        Assert.Equal("delivered", last.GetProperty("status").GetString());
        Assert.Equal(2, last.GetProperty("attempts").GetInt32());
        var bodies = receiver.Received.ToList();
        Assert.Equal(2, bodies.Count);
        Assert.Equal(bodies[0].Body, bodies[1].Body);
        Assert.Equal(bodies[0].DeliveryId, bodies[1].DeliveryId);
        Assert.False(delivered.GetRawText().Contains(SecretA, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Webhook_urls_must_be_https_and_secrets_long()
    {
        using var app = new OmakaseApp();
        var api = app.Api();
        var tenant = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);

        var plain = await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/webhook", new { url = "http://127.0.0.1:9/hook", secret = SecretA }, admin.Token), HttpStatusCode.BadRequest);
        var shortSecret = await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/webhook", new { url = "https://hooks.customer.example/x", secret = "short" }, admin.Token), HttpStatusCode.BadRequest);
        var withUser = await Problem.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/webhook", new { url = "https://user:pw@hooks.customer.example/x", secret = SecretA }, admin.Token), HttpStatusCode.BadRequest);

        Assert.True(plain.Body.GetProperty("errors").TryGetProperty("url", out _));
        Assert.True(shortSecret.Body.GetProperty("errors").TryGetProperty("secret", out _));
        Assert.True(withUser.Body.GetProperty("errors").TryGetProperty("url", out _));
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2001:4860:4860::8888", true)]
    public void In_aws_deliveries_never_connect_to_private_loopback_or_link_local_addresses(string address, bool allowed)
    {
        var policy = new WebhookAddressPolicy(allowLoopbackHttp: false);

        Assert.Equal(allowed, policy.IsAcceptableAddress(IPAddress.Parse(address)));
    }
}
