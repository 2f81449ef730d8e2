using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>
/// The expiry index gsi2 of the main table: every item that expires (sessions, MFA challenges, webhook deliveries,
/// job runs) is listed under the UTC day of its ttl (gsi2pk <c>EXPIRES#{yyyy-MM-dd}</c>), ordered by ttl (gsi2sk
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

    public static string DayKey(DateOnly day) => DayPrefix + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The UTC day a ttl falls in: the index partition that lists it.</summary>
    public static DateOnly DayOf(long ttlSeconds) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(ttlSeconds).UtcDateTime);

    /// <summary>Every sort key of an item with ttl &lt;= <paramref name="nowSeconds"/> sorts below this one (same digits, a smaller number).</summary>
    public static AttributeValue ExpiredBelow(long nowSeconds) => Attr.S(Seconds(nowSeconds + 1));

    private static string Seconds(long ttl) => ttl.ToString("D10", CultureInfo.InvariantCulture);
}
