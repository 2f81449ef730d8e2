using System.Net;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Auth;

public sealed class RoundTripTests
{
    [Fact]
    public async Task An_authenticated_request_costs_one_dynamodb_round_trip_and_one_more_write_at_most_once_a_minute()
    {
        using var app = new OmakaseApp();
        var tenant = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenant, []);
        var api = app.Api();
        var client = (AmazonServiceClient)app.Services.GetRequiredService<IAmazonDynamoDB>();
        var calls = new List<string>();
        client.BeforeRequestEvent += (_, e) => calls.Add(((WebServiceRequestEventArgs)e).Request.GetType().Name);
        await ApiClient.ReadAsync(await api.GetAsync("/v1/me", user.Token), HttpStatusCode.OK); // settles the idle timer
        calls.Clear();

        await ApiClient.ReadAsync(await api.GetAsync("/v1/me", user.Token), HttpStatusCode.OK);
        var warm = calls.ToList();
        calls.Clear();
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await ApiClient.ReadAsync(await api.GetAsync("/v1/me", user.Token), HttpStatusCode.OK);

        Assert.Equal(["BatchGetItemRequest"], warm);
        Assert.Equal(["BatchGetItemRequest", "UpdateItemRequest"], calls);
    }
}
