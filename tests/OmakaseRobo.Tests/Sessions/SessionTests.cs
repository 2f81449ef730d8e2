using System.Net;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Sessions;

public sealed class SessionTests
{
    [Fact]
    public async Task Logout_kills_the_token_at_once()
    {
        using var app = new OmakaseApp();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var api = app.Api();

        await ApiClient.ReadAsync(await api.PostAsync("/v1/auth/logout", null, user.Token), HttpStatusCode.NoContent);

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/v1/me", user.Token)).StatusCode);
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("BEARER")]
    public async Task The_bearer_scheme_name_is_matched_in_any_case(string scheme)
    {
        using var app = new OmakaseApp();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        using var client = app.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/me");
        request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {user.Token}"); // RFC 9110 11.1: case-insensitive

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_password_change_ends_every_other_session_and_keeps_the_current_one()
    {
        using var app = new OmakaseApp();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var other = (await app.LoginAsync(tenant, user.Email, user.Password)).GetProperty("accessToken").GetString();
        var api = app.Api();

        await ApiClient.ReadAsync(await api.PostAsync("/v1/me/password", new { currentPassword = user.Password, newPassword = "Velvet-Orchard-93k" }, user.Token), HttpStatusCode.NoContent);

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/me", user.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/v1/me", other)).StatusCode);
        await app.LoginAsync(tenant, user.Email, user.Password, HttpStatusCode.Unauthorized);
        await app.LoginAsync(tenant, user.Email, "Velvet-Orchard-93k");
    }

    [Fact]
    public async Task A_user_lists_their_sessions_and_ends_one_of_them()
    {
        using var app = new OmakaseApp();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var other = (await app.LoginAsync(tenant, user.Email, user.Password)).GetProperty("accessToken").GetString();
        var api = app.Api();

        var list = await ApiClient.ReadAsync(await api.GetAsync("/v1/me/sessions", user.Token), HttpStatusCode.OK);
        var items = list.GetProperty("items").EnumerateArray().ToList();
        var otherId = items.Single(i => !i.GetProperty("current").GetBoolean()).GetProperty("sessionId").GetString();
        await ApiClient.ReadAsync(await api.DeleteAsync($"/v1/me/sessions/{otherId}", user.Token), HttpStatusCode.NoContent);

        Assert.Equal(2, items.Count);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/v1/me", other)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/me", user.Token)).StatusCode);
    }

    [Fact]
    public async Task Another_users_session_id_cannot_be_ended()
    {
        using var app = new OmakaseApp();
        var tenant = await app.CreateTenantAsync();
        var alice = await app.NewUserAsync(tenant, []);
        var bob = await app.NewUserAsync(tenant, []);
        var api = app.Api();
        var bobsSession = (await ApiClient.ReadAsync(await api.GetAsync("/v1/me/sessions", bob.Token), HttpStatusCode.OK))
            .GetProperty("items")[0].GetProperty("sessionId").GetString();

        await Problem.ReadAsync(await api.DeleteAsync($"/v1/me/sessions/{bobsSession}", alice.Token), HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/me", bob.Token)).StatusCode);
    }

    [Fact]
    public async Task A_session_idle_for_thirty_minutes_is_dead()
    {
        using var app = new OmakaseApp();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var api = app.Api();

        app.Clock.Advance(TimeSpan.FromMinutes(29));
        var stillAlive = await api.GetAsync("/v1/me", user.Token);
        app.Clock.Advance(TimeSpan.FromMinutes(30));
        var idle = await api.GetAsync("/v1/me", user.Token);

        Assert.Equal(HttpStatusCode.OK, stillAlive.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, idle.StatusCode);
    }

    [Fact]
    public async Task A_busy_session_still_ends_after_twelve_hours()
    {
        using var app = new OmakaseApp();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var api = app.Api();
        var start = app.Clock.GetUtcNow();

        while (app.Clock.GetUtcNow() - start < TimeSpan.FromHours(11.5))
        {
            app.Clock.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/me", user.Token)).StatusCode);
        }

        app.Clock.Advance(TimeSpan.FromMinutes(40));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/v1/me", user.Token)).StatusCode);
    }

    [Fact]
    public async Task Only_the_hash_of_a_token_is_stored_and_sessions_carry_a_ttl()
    {
        using var app = new OmakaseApp();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);

        using var dynamo = OmakaseApp.Dynamo();
        var sessions = (await dynamo.ScanAsync(new ScanRequest { TableName = app.MainTable })).Items.Where(i => i["pk"].S.StartsWith("SESSION#", StringComparison.Ordinal)).ToList();
        var everything = string.Join('\n', sessions.SelectMany(i => i.Values).Select(v => v.S ?? v.N));

        Assert.NotEmpty(sessions);
        Assert.DoesNotContain(user.Token.Split('.')[2], everything, StringComparison.Ordinal);
        Assert.All(sessions, s => Assert.True(long.Parse(s["ttl"].N, System.Globalization.CultureInfo.InvariantCulture) <= (app.Clock.GetUtcNow() + TimeSpan.FromHours(12)).ToUnixTimeSeconds()));
    }

    [Fact]
    public async Task A_forged_token_with_someone_elses_ids_is_refused()
    {
        using var app = new OmakaseApp();
        var tenant = await app.CreateTenantAsync();
        var alice = await app.NewUserAsync(tenant, []);
        var bob = await app.NewUserAsync(tenant, []);
        var forged = $"{tenant}.{bob.UserId}.{alice.Token.Split('.')[2]}";

        var response = await app.Api().GetAsync("/v1/me", forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
