using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Features.Backups;

/// <summary>The tables restore tests create: named {prefix}{table}-{yyyyMMddHHmmss}, and always deleted again.</summary>
internal static class ScratchTables
{
    public static string Name(string prefix, string table, DateTimeOffset now) =>
        $"{prefix}{table}-{now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}";

    /// <summary>Deletes the scratch table; a table already gone is fine. Not cancellable: a cancelled run must still clean up.</summary>
    public static async Task DeleteAsync(IAmazonDynamoDB dynamo, string scratchTable)
    {
        try
        {
            await dynamo.DeleteTableAsync(new DeleteTableRequest { TableName = scratchTable }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ResourceNotFoundException)
        {
            // already gone
        }
    }
}
