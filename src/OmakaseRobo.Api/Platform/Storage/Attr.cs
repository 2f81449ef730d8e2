using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>Hand mapping of DynamoDB attribute values, in one place (no object mapper: Native AOT).</summary>
internal static class Attr
{
    public static AttributeValue S(string value) => new(value);

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static AttributeValue Bool(bool value) => new() { BOOL = value };

    /// <summary>A time, stored as a number of unix milliseconds (what <see cref="GetTime"/> reads back).</summary>
    public static AttributeValue Time(DateTimeOffset value) => N(value.ToUnixTimeMilliseconds());

    /// <summary>A list, empty included (IsLSet: the SDK would otherwise send an empty list as no value at all).</summary>
    public static AttributeValue List(IEnumerable<string> values) => new() { L = [.. values.Select(v => new AttributeValue(v))], IsLSet = true };

    public static AttributeValue StringSet(IEnumerable<string> values) => new() { SS = [.. values] };

    public static Dictionary<string, AttributeValue> Key(string pk, string sk) => new()
    {
        [TableSchema.PartitionKey] = S(pk),
        [TableSchema.SortKey] = S(sk),
    };

    public static string? GetS(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    public static string RequireS(this Dictionary<string, AttributeValue> item, string name) =>
        item.GetS(name) ?? throw new InvalidOperationException($"Stored item lacks '{name}'.");

    public static long? GetN(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : null;

    /// <summary>A time stored as unix milliseconds; null when the item lacks it.</summary>
    public static DateTimeOffset? GetTime(this Dictionary<string, AttributeValue> item, string name) =>
        item.GetN(name) is { } milliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) : null;

    /// <summary>A time stored as unix milliseconds; the unix epoch when the item lacks it.</summary>
    public static DateTimeOffset GetTimeOrEpoch(this Dictionary<string, AttributeValue> item, string name) =>
        DateTimeOffset.FromUnixTimeMilliseconds(item.GetN(name) ?? 0);

    public static bool GetBool(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.BOOL == true;

    public static List<string> GetList(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.L is { } list ? [.. list.Select(v => v.S)] : [];

    public static List<string> GetStringSet(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.SS is { } set ? set : [];
}
