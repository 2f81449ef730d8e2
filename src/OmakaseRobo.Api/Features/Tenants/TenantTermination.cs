using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Tenants;

public sealed record TerminationAccepted(string TenantId, DateTimeOffset TerminatedAt, DateTimeOffset DataDeletionAfter);

/// <summary>
/// CLD.8.1.5: an operator terminates a contract. The tenant turns terminated in one conditional write, which at
/// once fails every sign-in and every session of its users (both check the tenant); after the grace period the
/// delete-terminated-tenants job removes its data and leaves a deletion certificate.
/// </summary>
public static class TenantTermination
{
    public static IEndpointRouteBuilder MapTerminationApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/tenants/{tenantId}/termination", Terminate).WithTags("Tenants")
            .RequirePermission(tenant: null, Permissions.PlatformTenantsTerminate)
            .WithSummary("Terminate a contract").WithDescription("From now on no user of the tenant can sign in and every session is refused; after the grace period "
                + "(30 days, `dataDeletionAfter`) the delete-terminated-tenants job removes every item of the tenant. 409 if already terminated or the platform tenant.")
            .ProducesProblem(409);
        return routes;
    }

    public static async Task<Results<Accepted<TerminationAccepted>, ProblemHttpResult>> Terminate(
        string tenantId, Caller caller, IAmazonDynamoDB dynamo, TenantStore tenants, OmakaseOptions options, IAuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (tenantId == BuiltInRoles.PlatformTenantId)
        {
            return Problems.Of("conflict", "The platform tenant cannot be terminated.");
        }

        var now = clock.GetUtcNow();
        var deleteAfter = now + options.TerminationGracePeriod;
        try
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = options.Tables.Main,
                Key = TenantStore.Key(tenantId),
                UpdateExpression = "SET #status = :terminated, terminatedAt = :now, dataDeletionAfter = :after",
                ConditionExpression = "#status = :active",
                ExpressionAttributeNames = new() { ["#status"] = "status" },
                ExpressionAttributeValues = new()
                {
                    [":terminated"] = Attr.S(TenantRecord.Terminated),
                    [":active"] = Attr.S(TenantRecord.Active),
                    [":now"] = Attr.N(now.ToUnixTimeMilliseconds()),
                    [":after"] = Attr.N(deleteAfter.ToUnixTimeMilliseconds()),
                },
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            return await tenants.GetAsync(tenantId, cancellationToken) is null ? Problems.Of("not-found") : Problems.Of("conflict", "The tenant is already terminated.");
        }

        await audit.WriteAsync(new AuditEvent(
            AuditCategory.Operation, tenantId, caller.UserId, "tenant.terminate", tenantId, "success", caller.SourceIp, caller.UserAgent,
            new Dictionary<string, string> { ["actorTenantId"] = caller.TenantId, ["dataDeletionAfter"] = deleteAfter.ToString("O", System.Globalization.CultureInfo.InvariantCulture) }), cancellationToken);
        return TypedResults.Accepted($"/v1/tenants/{tenantId}", new TerminationAccepted(tenantId, now, deleteAfter));
    }
}
