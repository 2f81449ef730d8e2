using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
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
        // Only the request's own storage calls: the audit trail writes its access records in the background.
        client.BeforeRequestEvent += (_, e) =>
        {
            var request = ((WebServiceRequestEventArgs)e).Request;
            if (!TouchesOnly(request, app.AuditTable))
            {
                calls.Add(request.GetType().Name);
            }
        };
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

    private static bool TouchesOnly(AmazonWebServiceRequest request, string table) => request switch
    {
        PutItemRequest put => put.TableName == table,
        UpdateItemRequest update => update.TableName == table,
        GetItemRequest get => get.TableName == table,
        QueryRequest query => query.TableName == table,
        TransactWriteItemsRequest transact => transact.TransactItems.All(i => (i.Put?.TableName ?? i.Update?.TableName ?? i.Delete?.TableName ?? i.ConditionCheck?.TableName) == table),
        BatchGetItemRequest batch => batch.RequestItems.Keys.All(k => k == table),
        _ => false,
    };
}
