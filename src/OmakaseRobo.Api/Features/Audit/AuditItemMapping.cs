using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>The audit table's event and chain-head items, mapped by hand in one place (keys from AuditItems).</summary>
internal static class AuditItemMapping
{
    public static Dictionary<string, AttributeValue> WithoutExpiry(Dictionary<string, AttributeValue> item)
    {
        item.Remove(TableSchema.TimeToLive);
        return item;
    }

    public static Dictionary<string, AttributeValue> EventToItem(StoredEvent e)
    {
        var item = Attr.Key(AuditStore.ChainPartition(e.Chain), AuditItems.Record.SortKey(e.Sequence));
        item[TableSchema.Type] = Attr.S(AuditItems.Record.Type);
        item["tenantId"] = Attr.S(e.Chain.TenantId);
        item["day"] = Attr.S(e.Chain.DayText);
        item["seq"] = Attr.N(e.Sequence);
        item["eventId"] = Attr.S(e.EventId);
        item["time"] = Attr.S(e.Time);
        item["category"] = Attr.S(e.Category);
        item["action"] = Attr.S(e.Action);
        item["outcome"] = Attr.S(e.Outcome);
        AddIfPresent(item, "actorId", e.ActorId);
        AddIfPresent(item, "target", e.Target);
        AddIfPresent(item, "sourceIp", e.SourceIp);
        AddIfPresent(item, "userAgent", e.UserAgent);
        if (e.Details.Count > 0)
        {
            item["details"] = DetailsToAttribute(e.Details);
        }

        item["prevHash"] = Attr.S(e.PrevHash);
        item["hash"] = Attr.S(e.Hash);
        item[TableSchema.TimeToLive] = AuditStore.Expiry(e.Chain);
        return item;
    }

    /// <summary>Never throws on a damaged item: what is missing reads as empty, and the hash check fails instead.</summary>
    public static StoredEvent EventFromItem(AuditChain chain, Dictionary<string, AttributeValue> item)
    {
        var details = item.TryGetValue("details", out var map) ? DetailsFromAttribute(map) : new Dictionary<string, string>(StringComparer.Ordinal);
        return new StoredEvent(
            chain,
            TryGetN(item, "seq") ?? 0,
            item.GetS("eventId") ?? string.Empty,
            item.GetS("time") ?? string.Empty,
            item.GetS("category") ?? string.Empty,
            item.GetS("actorId"),
            item.GetS("action") ?? string.Empty,
            item.GetS("target"),
            item.GetS("outcome") ?? string.Empty,
            item.GetS("sourceIp"),
            item.GetS("userAgent"),
            details,
            item.GetS("prevHash") ?? string.Empty,
            item.GetS("hash") ?? string.Empty);
    }

    /// <summary>An empty value is stored as NULL: DynamoDB Local refuses empty strings outside keys.</summary>
    public static AttributeValue DetailsToAttribute(IReadOnlyDictionary<string, string> details) => new()
    {
        M = details.ToDictionary(d => d.Key, d => d.Value.Length == 0 ? new AttributeValue { NULL = true } : Attr.S(d.Value)),
    };

    public static Dictionary<string, string> DetailsFromAttribute(AttributeValue details) =>
        details.M is { } m ? m.ToDictionary(d => d.Key, d => d.Value.S ?? string.Empty, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);

    public static Dictionary<string, AttributeValue> HeadToItem(AuditChain chain, StoredEvent last)
    {
        var item = AuditStore.HeadKey(chain);
        item[TableSchema.Type] = Attr.S(AuditItems.ChainHead.Type);
        item["tenantId"] = Attr.S(chain.TenantId);
        item["day"] = Attr.S(chain.DayText);
        item["seq"] = Attr.N(last.Sequence);
        item["hash"] = Attr.S(last.Hash);
        item["checkpointedSeq"] = Attr.N(0);
        item[TableSchema.Index1PartitionKey] = Attr.S(AuditItems.ChainHead.DayIndex(chain.DayText));
        item[TableSchema.Index1SortKey] = Attr.S(chain.TenantId);
        item[TableSchema.TimeToLive] = AuditStore.Expiry(chain);
        return item;
    }

    public static ChainHead? HeadFromItem(Dictionary<string, AttributeValue> item)
    {
        if (item.GetS("tenantId") is not { } tenantId || AuditChain.ParseDay(item.GetS("day")) is not { } day)
        {
            return null;
        }

        return new ChainHead(
            new AuditChain(tenantId, day),
            TryGetN(item, "seq") ?? 0,
            item.GetS("hash") ?? string.Empty,
            TryGetN(item, "checkpointedSeq") ?? 0,
            Held: !item.ContainsKey(TableSchema.TimeToLive));
    }

    public static long PositionOf(string sortKey) =>
        long.TryParse(sortKey.AsSpan(AuditItems.Record.SortPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position : 0;

    public static long? TryGetN(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && long.TryParse(value.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static void AddIfPresent(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            item[name] = Attr.S(value);
        }
    }
}
