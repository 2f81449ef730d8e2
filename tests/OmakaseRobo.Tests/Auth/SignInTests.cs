using System.Net;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Features.Auth;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Auth;

public sealed class SignInTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task Bootstrap_operator_must_change_password_and_enrol_mfa_before_anything_else()
    {
        using var isolated = new OmakaseApp();
        var login = await isolated.LoginAsync("platform", TestUsers.OperatorEmail, TestUsers.OperatorPassword);
        var token = login.GetProperty("accessToken").GetString();
        Assert.True(login.GetProperty("passwordChangeRequired").GetBoolean());
        Assert.True(login.GetProperty("mfaEnrollmentRequired").GetBoolean());

        var api = isolated.Api();
        var blocked = await api.PostAsync("/v1/tenants", new { name = "Too early" }, token);
        var me = await api.GetAsync("/v1/me", token);

        Assert.Equal("urn:omakase-robo:problem:password-change-required", (await Problem.ReadAsync(blocked, HttpStatusCode.Forbidden)).Type);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Operator_provisions_a_user_who_must_change_the_temporary_password_at_first_sign_in()
    {
        var tenantId = await app.CreateTenantAsync();
        var (_, email, temporary) = await app.CreateUserAsync(tenantId, "admin");

        var first = await app.LoginAsync(tenantId, email, temporary);
        var token = first.GetProperty("accessToken").GetString();
        var api = app.Api();
        var listBefore = await api.GetAsync($"/v1/tenants/{tenantId}/users", token);
        await ApiClient.ReadAsync(await api.PostAsync("/v1/me/password", new { currentPassword = temporary, newPassword = "Kettle-Mountain-42x" }, token), HttpStatusCode.NoContent);
        var afterChange = await api.GetAsync($"/v1/tenants/{tenantId}/users", token);

        Assert.True(first.GetProperty("passwordChangeRequired").GetBoolean());
        Assert.True(first.GetProperty("mfaEnrollmentRequired").GetBoolean()); // admin, tenant requires MFA for admins
        Assert.Equal(HttpStatusCode.Forbidden, listBefore.StatusCode);
        Assert.Equal("urn:omakase-robo:problem:mfa-enrollment-required", (await Problem.ReadAsync(afterChange, HttpStatusCode.Forbidden)).Type);
        await ApiClient.ReadAsync(await api.GetAsync("/v1/me", token), HttpStatusCode.OK);
        await app.LoginAsync(tenantId, email, temporary, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Wrong_password_unknown_email_unknown_tenant_and_deleted_user_get_the_same_401()
    {
        var tenantId = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenantId, []);
        var deleted = await app.NewUserAsync(tenantId, []);
        var op = await app.OperatorAsync();
        await ApiClient.ReadAsync(await app.Api().DeleteAsync($"/v1/tenants/{tenantId}/users/{deleted.UserId}", op.Token), HttpStatusCode.NoContent);

        var bodies = new[]
        {
            await app.LoginAsync(tenantId, user.Email, "Wrong-Password-123", HttpStatusCode.Unauthorized),
            await app.LoginAsync(tenantId, "nobody@customer.example", user.Password, HttpStatusCode.Unauthorized),
            await app.LoginAsync("t_doesnotexist0000000", user.Email, user.Password, HttpStatusCode.Unauthorized),
            await app.LoginAsync(tenantId, deleted.Email, deleted.Password, HttpStatusCode.Unauthorized),
        }.Select(WithoutTraceId).ToList();

        Assert.All(bodies, body => Assert.Equal(bodies[0], body));
    }

    [Fact]
    public async Task Five_failures_lock_the_account_with_a_doubling_back_off_and_success_resets_it()
    {
        var tenantId = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenantId, []);
        for (var i = 0; i < 5; i++)
        {
            await app.LoginAsync(tenantId, user.Email, "Wrong-Password-123", HttpStatusCode.Unauthorized);
        }

        var locked = await app.Api().PostAsync("/v1/auth/login", new { tenantId, user.Email, password = user.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal("1", locked.Headers.GetValues("Retry-After").Single());

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await app.LoginAsync(tenantId, user.Email, "Wrong-Password-123", HttpStatusCode.Unauthorized); // sixth failure: 2 s
        var lockedAgain = await app.Api().PostAsync("/v1/auth/login", new { tenantId, user.Email, password = user.Password });
        Assert.Equal("2", lockedAgain.Headers.GetValues("Retry-After").Single());

        app.Clock.Advance(TimeSpan.FromSeconds(2));
        await app.LoginAsync(tenantId, user.Email, user.Password);
        await app.LoginAsync(tenantId, user.Email, "Wrong-Password-123", HttpStatusCode.Unauthorized);
        await app.LoginAsync(tenantId, user.Email, user.Password); // one failure after a reset does not lock
    }

    [Fact]
    public void Back_off_doubles_from_one_second_up_to_fifteen_minutes()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), OmakaseRobo.Api.Features.Auth.SignInService.LockoutFor(5));
        Assert.Equal(TimeSpan.FromSeconds(8), OmakaseRobo.Api.Features.Auth.SignInService.LockoutFor(8));
        Assert.Equal(TimeSpan.FromMinutes(15), OmakaseRobo.Api.Features.Auth.SignInService.LockoutFor(40));
    }

    [Fact]
    public async Task Two_long_japanese_passwords_sharing_their_first_72_bytes_do_not_both_verify()
    {
        var tenantId = await app.CreateTenantAsync();
        var (_, email, temporary) = await app.CreateUserAsync(tenantId);
        var shared = string.Concat(Enumerable.Repeat("安全な合言葉", 5)); // 30 characters, 90 bytes in UTF-8
        var chosen = shared + "Aa1";
        var token = (await app.LoginAsync(tenantId, email, temporary)).GetProperty("accessToken").GetString();
        await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/me/password", new { currentPassword = temporary, newPassword = chosen }, token), HttpStatusCode.NoContent);

        await app.LoginAsync(tenantId, email, shared + "Bb2", HttpStatusCode.Unauthorized);
        await app.LoginAsync(tenantId, email, chosen);
    }

    [Fact]
    public async Task A_hash_of_an_older_cost_is_upgraded_at_the_next_successful_sign_in()
    {
        using var stronger = new OmakaseApp();
        stronger.Settings["Omakase:Security:BcryptCost"] = "11";
        var op = await stronger.OperatorAsync(); // bootstrap hashed at cost 11; make it look old
        using var dynamo = OmakaseApp.Dynamo();
        var key = new Dictionary<string, AttributeValue> { ["pk"] = new("TENANT#platform"), ["sk"] = new($"USER#{op.UserId}") };
        await dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = stronger.MainTable,
            Key = key,
            UpdateExpression = "SET passwordHash = :h",
            ExpressionAttributeValues = new() { [":h"] = new(BCrypt.Net.BCrypt.EnhancedHashPassword(op.Password, BCrypt.Net.HashType.SHA384, 10)) },
        });

        await stronger.LoginAsync("platform", op.Email, op.Password);

        var stored = (await dynamo.GetItemAsync(stronger.MainTable, key)).Item["passwordHash"].S;
        Assert.Contains("$11$", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_secret_reaches_a_log_line_or_a_stored_audit_event_during_sign_in()
    {
        var tenantId = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenantId, ["admin"]); // password change and MFA enrolment included
        await app.LoginAsync(tenantId, user.Email, "Wrong-Password-123", HttpStatusCode.Unauthorized);
        var challenge = await app.LoginAsync(tenantId, user.Email, user.Password);
        var code = app.NextTotp(user.TotpSecret!);
        var session = await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/auth/mfa/verify", new { mfaToken = challenge.GetProperty("mfaToken").GetString(), code }), HttpStatusCode.OK);

        var secrets = new[]
        {
            user.Password, "Wrong-Password-123", user.Token, session.GetProperty("accessToken").GetString()!,
            challenge.GetProperty("mfaToken").GetString()!, user.TotpSecret!, user.RecoveryCodes[0],
        };
        await app.FlushAuditAsync(); // the access records of these requests too
        using var dynamo = OmakaseApp.Dynamo();
        var audit = await dynamo.ScanAsync(new ScanRequest { TableName = app.AuditTable });
        var stored = string.Join('\n', audit.Items.Select(i => string.Join(';', i.Select(a => a.Key + "=" + (a.Value.S ?? a.Value.N ?? string.Join(',', a.Value.M?.Select(m => m.Value.S) ?? []))))));
        var logs = string.Join('\n', app.Logs.Lines);

        Assert.Contains("sign-in", stored, StringComparison.Ordinal);
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, logs, StringComparison.Ordinal));
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, stored, StringComparison.Ordinal));
        Assert.DoesNotContain(audit.Items.SelectMany(i => i.Values), value => value.S == code);
    }

    [Fact]
    public async Task Malformed_json_gets_a_400_problem_with_trace_id_in_japanese()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/auth/login")
        {
            Content = new StringContent("{\"tenantId\": ", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.AcceptLanguage.ParseAdd("ja");

        var problem = await Problem.ReadAsync(await app.CreateClient().SendAsync(request), HttpStatusCode.BadRequest);

        Assert.Equal("urn:omakase-robo:problem:malformed-json", problem.Type);
        Assert.Equal("リクエスト本文が正しいJSONではありません。", problem.Title);
        Assert.False(string.IsNullOrEmpty(problem.TraceId));
    }

    [Fact]
    public async Task A_body_that_is_not_json_gets_415_and_missing_fields_get_field_errors()
    {
        var client = app.CreateClient();
        var plain = await client.PostAsync(new Uri("/v1/auth/login", UriKind.Relative), new StringContent("tenantId=x"));
        var empty = await app.Api().PostAsync("/v1/auth/login", new { });

        await Problem.ReadAsync(plain, HttpStatusCode.UnsupportedMediaType);
        var problem = await Problem.ReadAsync(empty, HttpStatusCode.BadRequest);
        Assert.Equal(["email", "password", "tenantId"], problem.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
    }

    private static string WithoutTraceId(JsonElement body) =>
        JsonSerializer.Serialize(body.EnumerateObject().Where(p => p.Name != "traceId").ToDictionary(p => p.Name, p => p.Value.ToString()));
}
