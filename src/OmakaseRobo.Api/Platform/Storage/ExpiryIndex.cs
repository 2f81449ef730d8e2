using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>
/// The expiry index gsi2 of the main table: every item that expires (sessions, MFA challenges, webhook deliveries,
/// job runs, the sign-in counters of unknown addresses) is listed under the UTC day of its ttl (gsi2pk <c>EXPIRES#{yyyy-MM-dd}</c>), ordered by ttl (gsi2sk
/// <c>{ttl:D10}#{pk}</c>), so the purge job reads exactly what has expired and never a live item. Items that expire
/// get their ttl only through <see cref="Stamp"/>, so the index and the ttl cannot disagree.
/// </summary>
internal static class ExpiryIndex
{
    private const string DayPrefix = "EXPIRES#";

    /// <summary>Sets ttl (epoch seconds) and the two index attributes; the item must already hold its pk.</summary>
    public static void Stamp(Dictionary<string, AttributeValue> item, DateTimeOffset expiresAt)
    {
        var ttl = expiresAt.ToUnixTimeSeconds();
        item[TableSchema.TimeToLive] = Attr.N(ttl);
        item[TableSchema.Index2PartitionKey] = Attr.S(DayKey(DayOf(ttl)));
        item[TableSchema.Index2SortKey] = Attr.S($"{Seconds(ttl)}#{item.RequireS(TableSchema.PartitionKey)}");
    }

    /// <summary>
    /// <see cref="Stamp"/> in an update: <c>SET</c> this, with the name and values of <see cref="StampUpdateValues"/>, on
    /// an item whose pk is <paramref name="partitionKey"/>.
    /// </summary>
    public const string StampUpdate = "#ttl = :ttl, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk";

    public static void StampUpdateValues(
        Dictionary<string, string> names, Dictionary<string, AttributeValue> values, string partitionKey, DateTimeOffset expiresAt)
    {
        var stamped = new Dictionary<string, AttributeValue> { [TableSchema.PartitionKey] = Attr.S(partitionKey) };
        Stamp(stamped, expiresAt);
        names["#ttl"] = TableSchema.TimeToLive;
        values[":ttl"] = stamped[TableSchema.TimeToLive];
        values[":gsi2pk"] = stamped[TableSchema.Index2PartitionKey];
        values[":gsi2sk"] = stamped[TableSchema.Index2SortKey];
    }

    public static string DayKey(DateOnly day) => DayPrefix + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The UTC day a ttl falls in: the index partition that lists it.</summary>
    public static DateOnly DayOf(long ttlSeconds) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(ttlSeconds).UtcDateTime);

    /// <summary>Every sort key of an item with ttl &lt;= <paramref name="nowSeconds"/> sorts below this one (same digits, a smaller number).</summary>
    public static AttributeValue ExpiredBelow(long nowSeconds) => Attr.S(Seconds(nowSeconds + 1));

    private static string Seconds(long ttl) => ttl.ToString("D10", CultureInfo.InvariantCulture);
}
