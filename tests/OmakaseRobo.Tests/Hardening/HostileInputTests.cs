using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Hardening;

public sealed class HostileInputTests
{
    [Fact]
    public async Task An_unknown_charset_on_any_json_route_answers_415_before_any_handler_signed_in_or_not()
    {
        using var app = new OmakaseApp();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        (string Path, HttpMethod Method, string? Token)[] routes =
        [
            ("/v1/auth/login", HttpMethod.Post, null), ("/v1/auth/mfa/verify", HttpMethod.Post, null), ("/v1/me/password", HttpMethod.Post, op.Token),
            ("/v1/tenants", HttpMethod.Post, op.Token), ($"/v1/tenants/{tenant}/users", HttpMethod.Post, op.Token),
            ($"/v1/tenants/{tenant}/roles/viewer", HttpMethod.Put, op.Token), ("/v1/incidents", HttpMethod.Post, op.Token),
        ];
        string[] charsets = ["x-bogus", "utf-16", "iso-8859-1", "utf-7"];

        var responses = await Task.WhenAll(routes.SelectMany(r => charsets.Select(async charset =>
        {
            using var request = new HttpRequestMessage(r.Method, r.Path) { Content = new ByteArrayContent("{}"u8.ToArray()) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");
            if (r.Token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", r.Token);
            }

            return await app.CreateClient().SendAsync(request);
        })));

        foreach (var response in responses)
        {
            var problem = await Problem.ReadAsync(response, HttpStatusCode.UnsupportedMediaType);
            Assert.EndsWith(":unsupported-media-type", problem.Type, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_null_in_a_list_of_strings_answers_400_on_that_field_on_every_route_that_takes_one()
    {
        using var app = new OmakaseApp();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var (userId, _, _) = await app.CreateUserAsync(tenant);
        var api = app.Api();
        (string Path, HttpMethod Method, string Body, string Field)[] attempts =
        [
            ($"/v1/tenants/{tenant}/users", HttpMethod.Post, """{"email":"n@customer.example","displayName":"N","roles":[null]}""", "roles"),
            ($"/v1/tenants/{tenant}/users/{userId}/roles", HttpMethod.Put, """{"roles":[null]}""", "roles"),
            ($"/v1/tenants/{tenant}/users/{userId}/roles", HttpMethod.Put, """{"roles":["admin",null]}""", "roles"),
            ($"/v1/tenants/{tenant}/users/{userId}/roles", HttpMethod.Put, """{"roles":[1]}""", "roles"),
            ($"/v1/tenants/{tenant}/roles/viewer", HttpMethod.Put, """{"permissions":[null]}""", "permissions"),
            ("/v1/incidents", HttpMethod.Post, """{"title":"T","description":"D","affectedTenantIds":[null]}""", "affectedTenantIds"),
            ("/v1/tenants", HttpMethod.Post, """{"name":"N","adminLimit":"three"}""", "adminLimit"),
        ];

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).SelectMany(_ => attempts).Select(async a =>
        {
            using var request = new HttpRequestMessage(a.Method, a.Path) { Content = new StringContent(a.Body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", op.Token);
            return (a.Field, Response: await api.Client.SendAsync(request));
        }));

        foreach (var (field, response) in responses)
        {
            var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.Body.GetProperty("errors").TryGetProperty(field, out _), problem.Body.ToString());
        }

        var users = await ApiClient.ReadAsync(await api.GetAsync($"/v1/tenants/{tenant}/users", op.Token), HttpStatusCode.OK);
        Assert.Equal(1, users.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("?from=2026-11-20&to=2026-11-10")]
    [InlineData("?from=2099-01-01")]
    [InlineData("?from=2026-11-27T00:00:01Z")]
    [InlineData("?from=9999-12-31T23:59:59Z&to=0001-01-01")]
    public async Task A_time_window_that_ends_before_it_starts_or_starts_in_the_future_answers_400_on_audit_queries_and_verification(string query)
    {
        using var app = new OmakaseApp();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).SelectMany(_ => new[]
        {
            app.Api().GetAsync($"/v1/tenants/{tenant}/audit-events{query}", op.Token),
            app.Api().GetAsync($"/v1/audit/verification{query}", op.Token),
            app.Api().GetAsync($"/v1/audit/verification{query}&tenantId={tenant}", op.Token),
        }));

        foreach (var answer in answers)
        {
            var problem = await Problem.ReadAsync(answer, HttpStatusCode.BadRequest);
            var errors = problem.Body.GetProperty("errors");
            Assert.True(errors.TryGetProperty("from", out _) || errors.TryGetProperty("to", out _), errors.ToString());
        }
    }

    [Fact]
    public async Task Sessions_of_one_user_changing_the_password_at_the_same_instant_get_one_204_and_409_for_the_rest()
    {
        using var app = new OmakaseApp();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var tokens = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            tokens.Add((await app.LoginAsync(tenant, user.Email, user.Password)).GetProperty("accessToken").GetString()!);
        }

        var answers = await Task.WhenAll(tokens.Select((token, i) =>
            app.Api().PostAsync("/v1/me/password", new { currentPassword = user.Password, newPassword = $"Winter-Orchard-{i:D2}-Kq" }, token)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.NoContent);
        foreach (var answer in answers.Where(a => a.StatusCode != HttpStatusCode.NoContent))
        {
            // A request that got in after the winner committed finds its session already dead: 401, never a 500. Each
            // one checks the current password against the lockout's budget first, so past five in flight at once the rest
            // are refused as guessing would be (429), before any bcrypt work.
            Assert.True(answer.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests,
                $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        }

        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Conflict);
        var winner = Array.FindIndex(answers, a => a.StatusCode == HttpStatusCode.NoContent);
        app.Clock.Advance(TimeSpan.FromMinutes(16)); // past the longest lockout the burst may have set
        await app.LoginAsync(tenant, user.Email, $"Winter-Orchard-{winner:D2}-Kq");
    }
}
