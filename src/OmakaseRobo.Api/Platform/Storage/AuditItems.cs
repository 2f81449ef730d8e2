using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>
/// Every item kind of the audit table, its keys and its <c>type</c>, spelled here and nowhere else. A chain is one
/// tenant's events of one UTC day; its events, checkpoints and head share the chain's ttl unless a legal hold removes it.
/// </summary>
internal static class AuditItems
{
    public static class Record
    {
        public const string Type = "audit-event";
        public const string SortPrefix = "EVENT#";

        /// <summary>The partition of a chain: its events and its checkpoints.</summary>
        public static string ChainPartition(string tenantId, string dayText) => $"AUDIT#{tenantId}#{dayText}";

        public static string SortKey(long sequence) => SortPrefix + sequence.ToString("D10", CultureInfo.InvariantCulture);

        public static bool IsEvent(string sortKey) => sortKey.StartsWith(SortPrefix, StringComparison.Ordinal);
    }

    public static class Checkpoint
    {
        public const string Type = "audit-checkpoint";
        public const string SortPrefix = "CHECKPOINT#";

        public static string SortKey(long sequence) => SortPrefix + sequence.ToString("D10", CultureInfo.InvariantCulture);
    }

    /// <summary>The head of a chain (its last hash and position), listed per tenant and per day (gsi1).</summary>
    public static class ChainHead
    {
        public const string Type = "audit-chain";

        public static string TenantPartition(string tenantId) => $"AUDIT-CHAINS#{tenantId}";

        public static string SortKey(string dayText) => "DAY#" + dayText;

        public static Dictionary<string, AttributeValue> Key(string tenantId, string dayText) => Attr.Key(TenantPartition(tenantId), SortKey(dayText));

        /// <summary>gsi1 partition listing every chain of a day: how the purge finds expired chains without reading live ones.</summary>
        public static string DayIndex(string dayText) => "AUDIT-DAY#" + dayText;
    }

    /// <summary>A tenant's latest checkpoint (no ttl), listed in gsi1 so a tenant whose chains are gone still shows up.</summary>
    public static class LatestCheckpoint
    {
        public const string Type = "audit-checkpoint-latest";
        public const string TenantsIndex = "AUDIT-TENANTS";

        public static Dictionary<string, AttributeValue> Key(string tenantId) => Attr.Key(ChainHead.TenantPartition(tenantId), "CHECKPOINT");
    }

    /// <summary>The purge's ledger of a closed day's chains (no ttl, deleted only by the purge).</summary>
    public static class PurgeLedger
    {
        public const string Type = "audit-purge-ledger";

        public static string DayPartition(string dayText) => "AUDIT-PURGE#" + dayText;

        public static Dictionary<string, AttributeValue> Key(string dayText, string tenantId) => Attr.Key(DayPartition(dayText), tenantId);
    }

    /// <summary>Expired chains the purge had to keep (held), looked at again on every run.</summary>
    public static class PurgePending
    {
        public const string Type = "audit-purge-pending";
        public const string Partition = "AUDIT-PURGE#PENDING";

        public static Dictionary<string, AttributeValue> Key(string dayText, string tenantId) => Attr.Key(Partition, $"{dayText}#{tenantId}");
    }

    /// <summary>
    /// Audit records committed with their change but not yet in their chain (the outbox). Spread over a few partitions so
    /// no one partition takes every audited write; sorted by the time they were queued, so the drain reads the oldest first.
    /// No ttl: an outbox item leaves only by being appended to its chain.
    /// </summary>
    public static class Outbox
    {
        public const string Type = "audit-outbox";
        public const string PartitionPrefix = "AUDIT-OUTBOX#";
        public const int Shards = 8;

        public static string Partition(int shard) => PartitionPrefix + shard.ToString(CultureInfo.InvariantCulture);

        /// <summary>The sort key: milliseconds (fixed width, so keys sort by time), then the id.</summary>
        public static string SortKey(DateTimeOffset queuedAt, string outboxId) =>
            string.Create(CultureInfo.InvariantCulture, $"{queuedAt.ToUnixTimeMilliseconds():D15}#{outboxId}");

        /// <summary>Every key queued before <paramref name="time"/> sorts below this one.</summary>
        public static string SortKeyBefore(DateTimeOffset time) =>
            string.Create(CultureInfo.InvariantCulture, $"{time.ToUnixTimeMilliseconds():D15}");

        public static int ShardOf(string outboxId)
        {
            return outboxId.Length == 0 ? 0 : outboxId[^1] % Shards;
        }

        public static Dictionary<string, AttributeValue> Key(string outboxId, DateTimeOffset queuedAt) =>
            Attr.Key(Partition(ShardOf(outboxId)), SortKey(queuedAt, outboxId));
    }

    public static readonly IReadOnlyList<ItemKind> Kinds =
    [
        new("audit", Record.Type, "AUDIT#{tenant}#{day}", "EVENT#{sequence}", "Audit"),
        new("audit", Checkpoint.Type, "AUDIT#{tenant}#{day}", "CHECKPOINT#{sequence}", "Audit"),
        new("audit", ChainHead.Type, "AUDIT-CHAINS#{tenant}", "DAY#{day}", "Audit"),
        new("audit", LatestCheckpoint.Type, "AUDIT-CHAINS#{tenant}", "CHECKPOINT", "Audit"),
        new("audit", PurgeLedger.Type, "AUDIT-PURGE#{day}", "{tenant}", "Audit"),
        new("audit", PurgePending.Type, "AUDIT-PURGE#PENDING", "{day}#{tenant}", "Audit"),
        new("audit", Outbox.Type, "AUDIT-OUTBOX#{shard}", "{ms}#{outbox}", "Audit"),
        new("audit", MainItems.BackupCanary.Type, "CANARY", "#CANARY", "Backups"),
    ];
}
