using System.Net;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Access;

/// <summary>
/// For every endpoint of tenants, users, roles and the access review: who gets what. Across tenants the answer
/// is 404, never 403, so another tenant's ids reveal nothing.
/// </summary>
public sealed class AccessMatrixTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    private sealed record Row(string Name, Func<Task<(HttpMethod Method, string Path, object? Body)>> Call, int Anonymous, int Lacking, int OtherAdmin, int Admin, int Operator);

    [Fact]
    public async Task Each_caller_gets_exactly_the_expected_status_on_every_endpoint()
    {
        var tenant = await app.CreateTenantAsync(adminLimit: 10);
        var other = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var lacking = await app.NewUserAsync(tenant, []);
        var otherAdmin = await app.NewUserAsync(other, ["admin"]);
        var op = await app.OperatorAsync();
        var api = app.Api();
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/viewer", new { permissions = new[] { "users:read" } }, admin.Token), HttpStatusCode.OK);

        async Task<string> Member() => (await app.CreateUserAsync(tenant)).UserId;
        async Task<string> Role()
        {
            var name = "r" + Guid.NewGuid().ToString("N")[..8];
            await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/roles/{name}", new { permissions = new[] { "users:read" } }, admin.Token), HttpStatusCode.OK);
            return name;
        }

        async Task<string> Incident()
        {
            var created = await ApiClient.ReadAsync(await api.PostAsync("/v1/incidents", new { title = "T", description = "D", affectedTenantIds = new[] { tenant } }, op.Token), HttpStatusCode.Created);
            return created.GetProperty("incidentId").GetString()!;
        }

        async Task<string> Finding() => (await ApiClient.ReadAsync(
            await api.PostAsync("/v1/vulnerabilities", new { title = "F", severity = "low" }, op.Token), HttpStatusCode.Created)).GetProperty("vulnerabilityId").GetString()!;

        async Task<string> ServiceClientId() => (await app.CreateServiceClientAsync()).ClientId;

        var incident = await Incident();
        var webhook = new { url = "https://hooks.customer.example/omakase", secret = "a-webhook-secret-of-at-least-32-chars" };
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenant}/webhook", webhook, admin.Token), HttpStatusCode.OK);

        var rows = new Row[]
        {
            new("get tenant", async () => (HttpMethod.Get, $"/v1/tenants/{tenant}", null), 401, 403, 404, 200, 200),
            new("create tenant", async () => (HttpMethod.Post, "/v1/tenants", new { name = "New" }), 401, 403, 403, 403, 201),
            new("create user", async () => (HttpMethod.Post, $"/v1/tenants/{tenant}/users", new { email = $"{Guid.NewGuid():N}@x.example", displayName = "N", roles = Array.Empty<string>() }), 401, 403, 404, 403, 201),
            new("list users", async () => (HttpMethod.Get, $"/v1/tenants/{tenant}/users", null), 401, 403, 404, 200, 200),
            new("delete user", async () => (HttpMethod.Delete, $"/v1/tenants/{tenant}/users/{await Member()}", null), 401, 403, 404, 403, 204),
            new("suspend user", async () => (HttpMethod.Put, $"/v1/tenants/{tenant}/users/{await Member()}/status", new { status = "suspended", reason = "matrix" }), 401, 403, 404, 200, 200),
            new("reset password", async () => (HttpMethod.Post, $"/v1/tenants/{tenant}/users/{await Member()}/password-reset", new { reason = "matrix" }), 401, 403, 404, 403, 200),
            new("reset mfa", async () => (HttpMethod.Post, $"/v1/tenants/{tenant}/users/{await Member()}/mfa-reset", new { reason = "matrix" }), 401, 403, 404, 403, 200),
            new("unlock user", async () => (HttpMethod.Post, $"/v1/tenants/{tenant}/users/{await Member()}/unlock", null), 401, 403, 404, 200, 200),
            new("user sessions", async () => (HttpMethod.Get, $"/v1/tenants/{tenant}/users/{await Member()}/sessions", null), 401, 403, 404, 200, 200),
            new("end user sessions", async () => (HttpMethod.Delete, $"/v1/tenants/{tenant}/users/{await Member()}/sessions", null), 401, 403, 404, 204, 204),
            new("list roles", async () => (HttpMethod.Get, $"/v1/tenants/{tenant}/roles", null), 401, 403, 404, 200, 200),
            new("put role", async () => (HttpMethod.Put, $"/v1/tenants/{tenant}/roles/r{Guid.NewGuid().ToString("N")[..8]}", new { permissions = new[] { "users:read" } }), 401, 403, 404, 200, 200),
            new("delete role", async () => (HttpMethod.Delete, $"/v1/tenants/{tenant}/roles/{await Role()}", null), 401, 403, 404, 204, 204),
            new("assign roles", async () => (HttpMethod.Put, $"/v1/tenants/{tenant}/users/{await Member()}/roles", new { roles = new[] { "viewer" } }), 401, 403, 404, 200, 200),
            new("access review", async () => (HttpMethod.Get, "/v1/access-reviews/privileged", null), 401, 403, 403, 403, 200),
            new("me", async () => (HttpMethod.Get, "/v1/me", null), 401, 200, 200, 200, 200),
            // A wrong code: 400 for users with MFA (the admins and the operator), 409 for one without.
            new("renew recovery codes", async () => (HttpMethod.Post, "/v1/me/mfa/recovery-codes", new { code = "000000" }), 401, 409, 400, 400, 400),
            new("my sessions", async () => (HttpMethod.Get, "/v1/me/sessions", null), 401, 200, 200, 200, 200),
            new("report incident", async () => (HttpMethod.Post, "/v1/incidents", new { title = "T", description = "D", affectedTenantIds = new[] { tenant } }), 401, 403, 201, 201, 201),
            new("list incidents", async () => (HttpMethod.Get, "/v1/incidents", null), 401, 403, 200, 200, 200),
            new("get incident", async () => (HttpMethod.Get, $"/v1/incidents/{incident}", null), 401, 403, 404, 200, 200),
            new("transition", async () => (HttpMethod.Post, $"/v1/incidents/{await Incident()}/transitions", new { to = "initial-response", note = "n" }), 401, 403, 403, 403, 200),
            new("send notice", async () => (HttpMethod.Post, $"/v1/incidents/{await Incident()}/notices", new { kind = "initial", message = "m" }), 401, 403, 403, 403, 201),
            new("list notices", async () => (HttpMethod.Get, $"/v1/tenants/{tenant}/notices", null), 401, 403, 404, 200, 200),
            new("put webhook", async () => (HttpMethod.Put, $"/v1/tenants/{tenant}/webhook", webhook), 401, 403, 404, 200, 404),
            new("get webhook", async () => (HttpMethod.Get, $"/v1/tenants/{tenant}/webhook", null), 401, 403, 404, 200, 404),
            new("record finding", async () => (HttpMethod.Post, "/v1/vulnerabilities", new { title = "F", severity = "high" }), 401, 403, 403, 403, 201),
            new("list findings", async () => (HttpMethod.Get, "/v1/vulnerabilities", null), 401, 403, 403, 403, 200),
            new("close finding", async () => (HttpMethod.Post, $"/v1/vulnerabilities/{await Finding()}/resolution", new { note = "fixed" }), 401, 403, 403, 403, 200),
            new("audit events", async () => (HttpMethod.Get, $"/v1/tenants/{tenant}/audit-events", null), 401, 403, 404, 200, 200),
            new("audit verification", async () => (HttpMethod.Get, $"/v1/audit/verification?tenantId={tenant}", null), 401, 403, 403, 403, 200),
            new("legal hold", async () => (HttpMethod.Post, $"/v1/incidents/{incident}/legal-holds", new { tenantId = tenant, from = OmakaseApp.Start, to = OmakaseApp.Start.AddDays(1) }), 401, 403, 403, 403, 201),
            new("list holds", async () => (HttpMethod.Get, $"/v1/incidents/{incident}/legal-holds", null), 401, 403, 403, 403, 200),
            new("evidence", async () => (HttpMethod.Get, $"/v1/incidents/{incident}/evidence", null), 401, 403, 403, 403, 200),
            new("list permissions", async () => (HttpMethod.Get, "/v1/permissions", null), 401, 403, 200, 200, 200),
            new("define permission", async () => (HttpMethod.Put, $"/v1/permissions/robots:r{Guid.NewGuid().ToString("N")[..8]}", new { description = new { ja = "実行", en = "Run" } }), 401, 403, 403, 403, 200),
            new("remove permission", async () => (HttpMethod.Delete, $"/v1/permissions/{await app.DefinePermissionAsync()}", null), 401, 403, 403, 403, 204),
            new("create service client", async () => (HttpMethod.Post, "/v1/service-clients", new { name = "runner" }), 401, 403, 403, 403, 201),
            new("list service clients", async () => (HttpMethod.Get, "/v1/service-clients", null), 401, 403, 403, 403, 200),
            new("delete service client", async () => (HttpMethod.Delete, $"/v1/service-clients/{await ServiceClientId()}", null), 401, 403, 403, 403, 204),
            new("introspect (a bearer token is no client)", async () => (HttpMethod.Post, "/oauth2/introspect", new { token = "t" }), 401, 401, 401, 401, 401),
            new("deletion certificate", async () => (HttpMethod.Get, $"/v1/tenants/{tenant}/deletion-certificate", null), 401, 403, 404, 403, 404),
            // The bootstrap operator holds all three platform roles; operator-only users are refused in ComplianceReportTests.
            new("compliance report", async () => (HttpMethod.Get, "/v1/compliance/report", null), 401, 403, 403, 403, 200),
            new("attest", async () => (HttpMethod.Post, "/v1/compliance/attestations", new { item = "5.1.1", summary = "Policy review", performedAt = OmakaseApp.Start }), 401, 403, 403, 403, 201),
            new("compliance reports", async () => (HttpMethod.Get, "/v1/compliance/reports", null), 401, 403, 403, 403, 200),
            new("stored compliance report", async () => (HttpMethod.Get, "/v1/compliance/reports/cr_nosuchreport0000000", null), 401, 403, 403, 403, 404),
            new("signing key", async () => (HttpMethod.Get, "/v1/audit/signing-key", null), 401, 403, 403, 403, 200),
            new("terminate (last: it ends the tenant)", async () => (HttpMethod.Post, $"/v1/tenants/{tenant}/termination", null), 401, 403, 404, 403, 202),
        };

        var failures = new List<string>();
        foreach (var row in rows)
        {
            foreach (var (who, token, expected) in new[] { ("anonymous", (string?)null, row.Anonymous), ("lacking", lacking.Token, row.Lacking), ("other admin", otherAdmin.Token, row.OtherAdmin), ("admin", admin.Token, row.Admin), ("operator", op.Token, row.Operator) })
            {
                var (method, path, body) = await row.Call();
                var status = (int)(await api.SendAsync(method, path, body, token)).StatusCode;
                if (status != expected)
                {
                    failures.Add($"{row.Name} as {who}: expected {expected}, got {status}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task An_id_of_another_tenant_answers_exactly_like_one_that_does_not_exist()
    {
        var tenant = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenant, ["admin"]);
        var api = app.Api();

        var existing = await Problem.ReadAsync(await api.GetAsync($"/v1/tenants/{other}/users", admin.Token), HttpStatusCode.NotFound);
        var missing = await Problem.ReadAsync(await api.GetAsync("/v1/tenants/t_nosuchtenant0000000/users", admin.Token), HttpStatusCode.NotFound);

        Assert.Equal(missing.Title, existing.Title);
        Assert.Equal(missing.Type, existing.Type);
    }
}
