using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.ProductPermissions;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api;
using OmakaseRobo.Api.Platform.Jobs;
using OmakaseRobo.Api.Platform.Text;

namespace OmakaseRobo.Api.Features.Tenants;

/// <summary>What is left of a deleted tenant: when, how many items of each kind, and a SHA-256 over the deleted keys.</summary>
internal sealed record DeletionCertificate(
    string TenantId, string State, DateTimeOffset ListedAt, DateTimeOffset? DeletedAt, IReadOnlyDictionary<string, int> Counts, int TotalItems, string KeysSha256);

/// <summary>A terminated tenant still in its grace period: its data goes at the first run after <c>DataDeletionAfter</c>.</summary>
internal sealed record WaitingTenant(string TenantId, DateTimeOffset? DataDeletionAfter);

internal sealed record TenantDeletionReport(
    bool Ok, DateTimeOffset RanAt, int TenantsDeleted, IReadOnlyList<DeletionCertificate> Certificates, IReadOnlyList<WaitingTenant> Waiting);

/// <summary>
/// CLD.8.1.5, the job delete-terminated-tenants: every tenant terminated longer ago than the grace period loses
/// every item (users, unique emails, sessions, roles, notices, incident links, webhook and deliveries, and its audit
/// records except chains under a legal hold, which stay until released). First the
/// keys are listed and the certificate written (counts, SHA-256 over the sorted key list); then they are deleted;
/// the tenant item goes last, in one transaction with the certificate's completion, so a run killed half way is
/// finished by the next one. Incidents themselves are platform records and stay.
/// </summary>
internal sealed class TenantDeletion(
    IAmazonDynamoDB dynamo, TenantStore tenants, AuditStore audit, BatchDeleter deleter, ProductPermissionUsage usage, OmakaseOptions options, TimeProvider clock)
    : IComplianceJob
{
    public string Name => "delete-terminated-tenants";

    private string Table => options.Tables.Main;

    public static Dictionary<string, AttributeValue> CertificateKey(string tenantId) => MainItems.DeletionCertificate.Key(tenantId);

    public async Task<JobOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var terminated = (await tenants.ListAsync(cancellationToken).ConfigureAwait(false)).Where(t => t.Status == TenantRecord.Terminated).ToList();
        var due = terminated.Where(t => t.DataDeletionAfter <= now).ToList();
        var waiting = terminated.Except(due).OrderBy(t => t.DataDeletionAfter).Select(t => new WaitingTenant(t.TenantId, t.DataDeletionAfter)).ToList();
        var certificates = new List<DeletionCertificate>();
        foreach (var tenant in due)
        {
            certificates.Add(await DeleteTenantAsync(tenant.TenantId, cancellationToken).ConfigureAwait(false));
        }

        var report = new TenantDeletionReport(true, now, certificates.Count, certificates, waiting);
        return new JobOutcome(true, JsonSerializer.SerializeToElement(report, AppJsonContext.Default.TenantDeletionReport));
    }

    public async Task<DeletionCertificate?> GetCertificateAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(tenantId))
        {
            return null;
        }

        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = CertificateKey(tenantId), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
        return response.IsItemSet ? FromItem(response.Item) : null;
    }

    private async Task<DeletionCertificate> DeleteTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        var keys = await ListKeysAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var certificate = await GetCertificateAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (certificate is null)
        {
            // Listed once, before anything is deleted: a resumed run keeps the first list's counts and hash.
            certificate = new DeletionCertificate(
                tenantId, "deleting", clock.GetUtcNow(), null,
                keys.GroupBy(k => k.Kind).ToDictionary(g => g.Key, g => g.Count()),
                keys.Count,
                TextDigest.Sha256Hex(string.Join('\n', keys.Select(k => k.Line).Order(StringComparer.Ordinal))));
            await dynamo.PutItemAsync(new PutItemRequest { TableName = Table, Item = ToItem(certificate), ConditionExpression = "attribute_not_exists(pk)" }, cancellationToken).ConfigureAwait(false);
        }

        var tenantKey = TenantStore.Key(tenantId);
        foreach (var table in keys.Where(k => k.Kind != "tenant").GroupBy(k => k.Table))
        {
            // Audit heads go after their chain's records, so a killed run still finds the chain to finish.
            await deleter.DeleteAsync(table.Key, table.OrderBy(k => k.Kind == "audit-chain").Select(k => k.Key), cancellationToken).ConfigureAwait(false);
        }

        // Its roles' product permissions are counted once less in the transaction that removes the tenant item: once.
        var roles = (await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false))?.Roles.Values ?? [];
        var deletedAt = clock.GetUtcNow();
        List<TransactWriteItem> last =
        [
            new TransactWriteItem { Delete = new Delete { TableName = Table, Key = tenantKey, ConditionExpression = "attribute_exists(pk)" } },
            new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = Table,
                    Key = CertificateKey(tenantId),
                    UpdateExpression = "SET #state = :complete, deletedAt = :now",
                    ExpressionAttributeNames = new() { ["#state"] = "state" },
                    ExpressionAttributeValues = new() { [":complete"] = Attr.S("complete"), [":now"] = Attr.Time(deletedAt) },
                },
            },
        ];
        if (usage.ReleaseAll(roles) is { } released)
        {
            last.Add(released);
        }

        try
        {
            // The usage item is shared with every role change: a conflict there is sent again, as theirs are.
            await dynamo.TransactWriteAsync(last, cancellationToken).ConfigureAwait(false);
            return certificate with { State = "complete", DeletedAt = deletedAt };
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            // Another run removed the tenant item (and completed the certificate) meanwhile.
            return await GetCertificateAsync(tenantId, cancellationToken).ConfigureAwait(false) ?? certificate;
        }
    }

    private sealed record ListedKey(string Kind, string Table, string Line, Dictionary<string, AttributeValue> Key);

    /// <summary>Every key of the tenant: its partition, and the sessions of each of its users (found through gsi1).</summary>
    private async Task<List<ListedKey>> ListKeysAsync(string tenantId, CancellationToken cancellationToken)
    {
        var keys = new List<ListedKey>();
        var query = new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = Attr.S(MainItems.Tenant.Partition(tenantId)) },
            ProjectionExpression = "pk, sk, #type, userId",
            ExpressionAttributeNames = new() { ["#type"] = TableSchema.Type },
        };
        var users = new List<string>();
        await foreach (var item in dynamo.QueryItemsAsync(query, cancellationToken).ConfigureAwait(false))
        {
            var kind = item.GetS(TableSchema.Type) ?? (item.RequireS(TableSchema.SortKey).StartsWith(MainItems.Email.SortPrefix, StringComparison.Ordinal) ? MainItems.Email.Type : "other");
            keys.Add(Listed(kind, item));
            if (kind == MainItems.User.Type)
            {
                users.Add(item.RequireS("userId"));
            }
        }

        foreach (var userId in users)
        {
            var sessions = new QueryRequest
            {
                TableName = Table,
                IndexName = TableSchema.Index1,
                KeyConditionExpression = "gsi1pk = :user",
                ExpressionAttributeValues = new() { [":user"] = Attr.S(MainItems.Session.UserIndex(tenantId, userId)) },
            };
            keys.AddRange((await dynamo.QueryAllAsync(sessions, cancellationToken).ConfigureAwait(false)).Select(i => Listed(MainItems.Session.Type, i)));
        }

        keys.AddRange(await ListAuditKeysAsync(tenantId, cancellationToken).ConfigureAwait(false));
        return keys;
    }

    /// <summary>The tenant's audit chains not under a legal hold, whole; the checkpoint pointer too when nothing is held.</summary>
    private async Task<List<ListedKey>> ListAuditKeysAsync(string tenantId, CancellationToken cancellationToken)
    {
        var keys = new List<ListedKey>();
        var chains = await audit.ListChainsAsync(tenantId, DateOnly.MinValue, DateOnly.MaxValue, newestFirst: false, cancellationToken).ConfigureAwait(false);
        foreach (var head in chains.Where(h => !h.Held))
        {
            var query = new QueryRequest
            {
                TableName = options.Tables.Audit,
                KeyConditionExpression = "pk = :pk",
                ExpressionAttributeValues = new() { [":pk"] = Attr.S(AuditStore.ChainPartition(head.Chain)) },
                ProjectionExpression = "pk, sk",
            };
            keys.AddRange((await dynamo.QueryAllAsync(query, cancellationToken).ConfigureAwait(false)).Select(i => Listed("audit-record", options.Tables.Audit, i)));
            keys.Add(Listed("audit-chain", options.Tables.Audit, AuditStore.HeadKey(head.Chain)));
        }

        if (chains.All(h => !h.Held))
        {
            var pointer = AuditItems.LatestCheckpoint.Key(tenantId);
            var exists = await dynamo.GetItemAsync(new GetItemRequest { TableName = options.Tables.Audit, Key = pointer }, cancellationToken).ConfigureAwait(false);
            if (exists.IsItemSet)
            {
                keys.Add(Listed("audit-chain", options.Tables.Audit, pointer));
            }
        }

        return keys;
    }

    private ListedKey Listed(string kind, Dictionary<string, AttributeValue> item) => Listed(kind, Table, item);

    private static ListedKey Listed(string kind, string table, Dictionary<string, AttributeValue> item)
    {
        var pk = item.RequireS(TableSchema.PartitionKey);
        var sk = item.RequireS(TableSchema.SortKey);
        return new ListedKey(kind, table, $"{table}|{pk}|{sk}", Attr.Key(pk, sk));
    }

    private static Dictionary<string, AttributeValue> ToItem(DeletionCertificate c)
    {
        var item = CertificateKey(c.TenantId);
        item[TableSchema.Type] = Attr.S(MainItems.DeletionCertificate.Type);
        item["tenantId"] = Attr.S(c.TenantId);
        item["state"] = Attr.S(c.State);
        item["listedAt"] = Attr.Time(c.ListedAt);
        item["counts"] = new AttributeValue { M = c.Counts.ToDictionary(x => x.Key, x => Attr.N(x.Value)), IsMSet = true };
        item["totalItems"] = Attr.N(c.TotalItems);
        item["keysSha256"] = Attr.S(c.KeysSha256);
        return item;
    }

    private static DeletionCertificate FromItem(Dictionary<string, AttributeValue> item) => new(
        item.RequireS("tenantId"), item.RequireS("state"), item.GetTimeOrEpoch("listedAt"),
        item.GetTime("deletedAt"),
        item.TryGetValue("counts", out var counts) && counts.M is { } m ? m.ToDictionary(x => x.Key, x => int.Parse(x.Value.N, CultureInfo.InvariantCulture)) : [],
        (int)(item.GetN("totalItems") ?? 0), item.RequireS("keysSha256"));
}
