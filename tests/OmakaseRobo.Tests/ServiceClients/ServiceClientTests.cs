using System.Net;
using System.Text;
using OmakaseRobo.Tests.Infrastructure;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Tests.ServiceClients;

/// <summary>Service clients: registered by operators, shown their secret once, refused at once when removed.</summary>
public sealed class ServiceClientTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task The_secret_is_shown_once_stored_only_as_a_hash_and_never_listed()
    {
        var op = await app.OperatorAsync();
        var client = await app.CreateServiceClientAsync("scheduler");

        var list = await ApiClient.ReadAsync(await app.Api().GetAsync("/v1/service-clients", op.Token), HttpStatusCode.OK);
        using var dynamo = OmakaseApp.Dynamo();
        var stored = (await dynamo.GetItemAsync(app.MainTable, new() { ["pk"] = new($"SERVICECLIENT#{client.ClientId}"), ["sk"] = new("#CLIENT") })).Item;

        var item = Assert.Single(list.GetProperty("items").EnumerateArray(), i => i.GetProperty("clientId").GetString() == client.ClientId);
        Assert.Equal("scheduler", item.GetProperty("name").GetString());
        Assert.DoesNotContain(client.Secret, list.GetRawText(), StringComparison.Ordinal);
        Assert.False(item.TryGetProperty("clientSecret", out _));
        Assert.Equal(43, client.Secret.Length); // 256 bits, base64url
        Assert.DoesNotContain(stored.Values, v => v.S?.Contains(client.Secret, StringComparison.Ordinal) == true);
        Assert.Equal(64, stored["secretHash"].S.Length);
    }

    [Fact]
    public async Task A_deleted_client_is_refused_at_the_very_next_call()
    {
        var op = await app.OperatorAsync();
        var client = await app.CreateServiceClientAsync();
        var user = await app.NewUserAsync(await app.CreateTenantAsync(), []);
        await app.IntrospectActiveAsync(client, user.Token);

        await ApiClient.ReadAsync(await app.Api().DeleteAsync($"/v1/service-clients/{client.ClientId}", op.Token), HttpStatusCode.NoContent);
        var refused = await app.IntrospectAsync(client, user.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Basic", refused.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Api().DeleteAsync($"/v1/service-clients/{client.ClientId}", op.Token)).StatusCode);
    }

    [Fact]
    public async Task A_missing_or_wrong_client_gets_401_with_a_basic_challenge_and_learns_nothing_about_the_token()
    {
        var client = await app.CreateServiceClientAsync();
        var other = await app.CreateServiceClientAsync();
        var op = await app.OperatorAsync();
        var user = await app.NewUserAsync(await app.CreateTenantAsync(), []);
        var form = new KeyValuePair<string, string>[] { new("token", user.Token) };
        var base64 = (string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        var wrongSecret = (client.Secret[0] == 'x' ? "y" : "x") + client.Secret[1..]; // one in 64 secrets starts with x

        var cases = new Dictionary<string, string?>
        {
            ["no credentials"] = null,
            ["wrong secret"] = IntegrationSteps.Basic(client.ClientId, wrongSecret),
            ["another client's secret"] = IntegrationSteps.Basic(client.ClientId, other.Secret),
            ["unknown client"] = IntegrationSteps.Basic("sc_aaaaaaaaaaaaaaaaaaaa", client.Secret),
            ["no colon"] = "Basic " + base64(client.ClientId + client.Secret),
            ["not base64"] = "Basic !!!",
            ["a user's bearer token"] = $"Bearer {user.Token}",
            ["an operator's bearer token"] = $"Bearer {op.Token}",
            ["a bearer token inside basic"] = IntegrationSteps.Basic(user.Token, user.Token),
            ["a client secret as a bearer token"] = $"Bearer {client.Secret}",
        };

        foreach (var (name, authorization) in cases)
        {
            var response = await app.IntrospectWithAsync(authorization, form);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {response.StatusCode}");
            var problem = await Problem.ReadAsync(response, HttpStatusCode.Unauthorized);
            Assert.True(response.Headers.WwwAuthenticate.Single().Scheme == "Basic", name);
            Assert.Equal("urn:omakase-robo:problem:unauthorized", problem.Type);
        }

        await app.IntrospectActiveAsync(client, user.Token);
    }

    [Fact]
    public async Task Creating_and_deleting_a_client_are_audited_in_the_platform_trail()
    {
        var op = await app.OperatorAsync();
        var client = await app.CreateServiceClientAsync("auditable");
        await ApiClient.ReadAsync(await app.Api().DeleteAsync($"/v1/service-clients/{client.ClientId}", op.Token), HttpStatusCode.NoContent);

        var events = await app.StoredEventsAsync("platform", app.Today());

        Assert.Contains(events, e => e["action"].S == "service-client.create" && e["target"].S == client.ClientId && e["actorId"].S == op.UserId);
        Assert.Contains(events, e => e["action"].S == "service-client.delete" && e["target"].S == client.ClientId && e["actorId"].S == op.UserId);
    }

    [Fact]
    public async Task A_client_needs_a_name()
    {
        var op = await app.OperatorAsync();

        var problem = await Problem.ReadAsync(await app.Api().PostAsync("/v1/service-clients", new { description = "no name" }, op.Token), HttpStatusCode.BadRequest);

        Assert.True(problem.Body.GetProperty("errors").TryGetProperty("name", out _));
    }
}
