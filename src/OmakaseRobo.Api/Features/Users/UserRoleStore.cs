using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>A user's roles, changed together with the tenant's role counters (Identity's IUserRoleStore).</summary>
internal sealed class UserRoleStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    /// <summary>
    /// Replaces a user's roles in one transaction with the tenant's counters: the cap holds under concurrent
    /// grants, the last admin cannot be removed, and a concurrent change of the same user (its roles or its status) is
    /// detected. A suspended user's roles change without touching the active counters: they hold no slot until reactivated.
    /// </summary>
    public async Task<Outcome<Completed>> AssignRolesAsync(
        UserRecord user, IReadOnlyList<string> roles, IReadOnlyDictionary<string, List<string>> definitions, PendingAudit record, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.CommitAsync(
                [
                    new TransactWriteItem
                    {
                        Update = new Update
                        {
                            TableName = options.Tables.Main,
                            Key = UserStore.Key(user.TenantId, user.UserId),
                            UpdateExpression = "SET #roles = :roles",
                            ConditionExpression = "#status = :status AND #roles = :before",
                            ExpressionAttributeNames = new() { ["#status"] = "status", ["#roles"] = "roles" },
                            ExpressionAttributeValues = new()
                            {
                                [":roles"] = Attr.List(roles),
                                [":before"] = Attr.List(user.Roles),
                                [":status"] = Attr.S(user.Status),
                            },
                        },
                    },
                    RoleMembership.TenantWrite(options.Tables.Main, user.TenantId, definitions, new Standing(user.Roles, user.IsActive), new Standing(roles, user.IsActive), protectLastHolder: true),
                ],
                record,
                cancellationToken).ConfigureAwait(false);
            return Completed.Value;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            return new Failure.Conflict("The user's roles or status changed meanwhile; read the user and try again.");
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(1))
        {
            var privileged = !Privilege.Holds(user.TenantId, user.Roles, definitions) && Privilege.Holds(user.TenantId, roles, definitions);
            var lastHolder = user.Roles.Except(roles, StringComparer.Ordinal).Any(r => Privilege.IsProtectedRole(user.TenantId, r));
            return new Failure.Conflict(
                privileged && user.TenantId != BuiltInRoles.PlatformTenantId ? "The tenant has reached its admin limit."
                : lastHolder && user.TenantId == BuiltInRoles.PlatformTenantId ? "The user is the last active holder of a platform role."
                : lastHolder ? "The tenant would lose its last admin."
                : "A role was changed or deleted meanwhile.");
        }
    }
}
