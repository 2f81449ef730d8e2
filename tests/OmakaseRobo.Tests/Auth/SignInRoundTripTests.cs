using System.Net;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Auth;

/// <summary>
/// What a sign-in costs in DynamoDB before bcrypt, counted by a proxy in front of DynamoDB Local: the email's item, then
/// one write that reserves the attempt and answers the user, the tenant read alongside bcrypt; an unknown address makes
/// the same calls (its reservation is on a counter of its own), so both reach bcrypt after two round trips; after it, the session (one transaction with its audit record) and
/// the counter reset go side by side.
/// </summary>
public sealed class SignInRoundTripTests
{
    [Fact]
    public async Task A_known_and_an_unknown_user_reach_bcrypt_after_the_same_two_round_trips()
    {
        await using var tap = await DynamoDbTap.StartAsync();
        using var app = new OmakaseApp();
        app.Settings[StorageSetup.EndpointKey] = tap.Endpoint;
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var api = app.Api();

        var mark = tap.Count;
        await Problem.ReadAsync(await api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = user.Email, password = "Wrong-Password-123" }), HttpStatusCode.Unauthorized);
        var wrong = tap.OperationsSince(mark, app.MainTable);
        mark = tap.Count;
        await Problem.ReadAsync(await api.PostAsync("/v1/auth/login", new { tenantId = tenant, email = "nobody@customer.example", password = "Wrong-Password-123" }), HttpStatusCode.Unauthorized);
        var unknown = tap.OperationsSince(mark, app.MainTable);
        mark = tap.Count;
        await app.LoginAsync(tenant, user.Email, user.Password);
        var right = tap.OperationsSince(mark, app.MainTable);

        Assert.Equal(["GetItem", "UpdateItem", "GetItem"], wrong);
        Assert.Equal(["GetItem", "UpdateItem", "GetItem"], unknown);
        Assert.Equal(["GetItem", "UpdateItem", "GetItem"], right[..3]);
        Assert.Equal(["TransactWriteItems", "UpdateItem"], right[3..].Order(StringComparer.Ordinal)); // the session with its audit record, and the reset counter, side by side
    }
}
