using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.IAM;

namespace OmakaseRobo.Infra;

/// <summary>How much of a table a function may touch. Transactions are authorised through these item actions.</summary>
public enum TableAccess
{
    /// <summary>Read, put and update: the audit trail for the API functions, which never delete from it.</summary>
    ReadWrite,

    /// <summary>ReadWrite plus deleting items (sessions, roles, users...).</summary>
    ReadWriteDelete,

    /// <summary>ReadWriteDelete plus Scan: the jobs that purge and delete whole tenants.</summary>
    Maintenance,
}

/// <summary>The IAM statements the functions are built from: each names its resources and lists its actions one by one.</summary>
public static class Permissions
{
    private static readonly string[] ReadActions =
        ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"];

    private static readonly string[] WriteActions = ["dynamodb:PutItem", "dynamodb:UpdateItem"];

    // BatchWriteItem can delete, so it belongs with DeleteItem.
    private static readonly string[] DeleteActions = ["dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];

    private static readonly string[] ScanActions = ["dynamodb:Scan"];

    public static PolicyStatement Table(ITable table, TableAccess access)
    {
        var actions = access switch
        {
            TableAccess.ReadWrite => ReadActions.Concat(WriteActions),
            TableAccess.ReadWriteDelete => ReadActions.Concat(WriteActions).Concat(DeleteActions),
            TableAccess.Maintenance => ReadActions.Concat(WriteActions).Concat(DeleteActions).Concat(ScanActions),
            _ => throw new ArgumentOutOfRangeException(nameof(access), access, "Unknown table access."),
        };

        return Allow(actions, table.TableArn, IndexesOf(table.TableArn));
    }

    public static string IndexesOf(string tableArn) => $"{tableArn}/index/*";

    public static string BackupsOf(string tableArn) => $"{tableArn}/backup/*";

    public static PolicyStatement Allow(IEnumerable<string> actions, params string[] resources) => new(new PolicyStatementProps
    {
        Effect = Effect.ALLOW,
        Actions = actions.ToArray(),
        Resources = resources,
    });
}
