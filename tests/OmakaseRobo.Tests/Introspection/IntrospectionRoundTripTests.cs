using System.Net;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Infrastructure;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Tests.Introspection;

/// <summary>
/// What an introspection costs in DynamoDB, counted by a proxy in front of DynamoDB Local: one BatchGetItem for every
/// kind of token (so a live one and a dead one take the same path), and nothing written.
/// </summary>
public sealed class IntrospectionRoundTripTests
{
    [Fact]
    public async Task Every_call_is_one_batch_read_whatever_the_token_and_writes_nothing()
    {
        await using var tap = await DynamoDbTap.StartAsync();
        using var app = new OmakaseApp();
        app.Settings[StorageSetup.EndpointKey] = tap.Endpoint;
        var client = await app.CreateServiceClientAsync();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var loggedOut = await app.NewUserAsync(tenant, []);
        await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/auth/logout", null, loggedOut.Token), HttpStatusCode.NoContent);
        app.Clock.Advance(TimeSpan.FromMinutes(5)); // past the touch interval: a sliding read would write now

        foreach (var token in new[] { user.Token, loggedOut.Token, "garbage", user.Token })
        {
            var mark = tap.Count;
            await app.IntrospectTextAsync(client, token);
            Assert.Equal(["BatchGetItem"], tap.OperationsSince(mark, app.MainTable));
        }
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_from_memory_after_the_first_read_and_a_right_one_is_always_read()
    {
        await using var tap = await DynamoDbTap.StartAsync();
        using var app = new OmakaseApp();
        app.Settings[StorageSetup.EndpointKey] = tap.Endpoint;
        var client = await app.CreateServiceClientAsync();
        var wrong = client with { Secret = "not-the-secret" };
        var user = await app.NewUserAsync(await app.CreateTenantAsync(), []);

        var mark = tap.Count;
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.IntrospectAsync(wrong, user.Token)).StatusCode);
        var firstTime = tap.OperationsSince(mark, app.MainTable);
        mark = tap.Count;
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.IntrospectAsync(wrong, user.Token)).StatusCode);
        var secondTime = tap.OperationsSince(mark, app.MainTable);
        mark = tap.Count;
        await app.IntrospectActiveAsync(client, user.Token);
        var rightSecret = tap.OperationsSince(mark, app.MainTable);

        Assert.Equal(["BatchGetItem"], firstTime);
        Assert.Empty(secondTime);
        Assert.Equal(["BatchGetItem"], rightSecret);
    }
}
