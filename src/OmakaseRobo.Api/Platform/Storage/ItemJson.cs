using System.Text.Json;
using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>
/// DynamoDB items as DynamoDB JSON (<c>{"pk":{"S":"..."},"n":{"N":"1"}}</c>, the shape of DynamoDB's own exports),
/// written and read by hand for Native AOT: S, N, B, BOOL, NULL, L, M, SS, NS and BS.
/// </summary>
internal static class ItemJson
{
    public static void Write(Utf8JsonWriter json, Dictionary<string, AttributeValue> item)
    {
        json.WriteStartObject();
        foreach (var (name, value) in item)
        {
            json.WritePropertyName(name);
            WriteValue(json, value);
        }

        json.WriteEndObject();
    }

    /// <summary>Throws <see cref="FormatException"/> when the element is not an item in DynamoDB JSON.</summary>
    public static Dictionary<string, AttributeValue> Read(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("An item must be a JSON object.");
        }

        var item = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            item[property.Name] = ReadValue(property.Value);
        }

        return item;
    }

    private static void WriteValue(Utf8JsonWriter json, AttributeValue value)
    {
        json.WriteStartObject();
        if (value.S is not null)
        {
            json.WriteString("S", value.S);
        }
        else if (value.N is not null)
        {
            json.WriteString("N", value.N);
        }
        else if (value.B is not null)
        {
            json.WriteBase64String("B", value.B.ToArray());
        }
        else if (value.BOOL is { } flag)
        {
            json.WriteBoolean("BOOL", flag);
        }
        else if (value.NULL == true)
        {
            json.WriteBoolean("NULL", true);
        }
        else if (value.SS is not null)
        {
            WriteStrings(json, "SS", value.SS);
        }
        else if (value.NS is not null)
        {
            WriteStrings(json, "NS", value.NS);
        }
        else if (value.BS is not null)
        {
            json.WriteStartArray("BS");
            foreach (var bytes in value.BS)
            {
                json.WriteBase64StringValue(bytes.ToArray());
            }

            json.WriteEndArray();
        }
        else if (value.M is not null || value.IsMSet)
        {
            json.WritePropertyName("M");
            Write(json, value.M ?? []);
        }
        else if (value.L is not null || value.IsLSet)
        {
            json.WriteStartArray("L");
            foreach (var element in value.L ?? [])
            {
                WriteValue(json, element);
            }

            json.WriteEndArray();
        }
        else
        {
            throw new InvalidOperationException("An attribute value has no type DynamoDB knows.");
        }

        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, List<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static AttributeValue ReadValue(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("An attribute value must be a JSON object.");
        }

        using var properties = element.EnumerateObject();
        if (!properties.MoveNext())
        {
            throw new FormatException("An attribute value names no type.");
        }

        var (type, content) = (properties.Current.Name, properties.Current.Value);
        if (properties.MoveNext())
        {
            throw new FormatException("An attribute value names more than one type.");
        }

        try
        {
            return type switch
            {
                "S" => new AttributeValue { S = content.GetString() },
                "N" => new AttributeValue { N = content.GetString() },
                "B" => new AttributeValue { B = new MemoryStream(content.GetBytesFromBase64()) },
                "BOOL" => new AttributeValue { BOOL = content.GetBoolean() },
                "NULL" => new AttributeValue { NULL = true },
                "SS" => new AttributeValue { SS = [.. content.EnumerateArray().Select(e => e.GetString()!)] },
                "NS" => new AttributeValue { NS = [.. content.EnumerateArray().Select(e => e.GetString()!)] },
                "BS" => new AttributeValue { BS = [.. content.EnumerateArray().Select(e => new MemoryStream(e.GetBytesFromBase64()))] },
                "M" => new AttributeValue { M = Read(content), IsMSet = true },
                "L" => new AttributeValue { L = [.. content.EnumerateArray().Select(ReadValue)], IsLSet = true },
                _ => throw new FormatException($"Unknown attribute type '{type}'."),
            };
        }
        catch (InvalidOperationException exception)
        {
            throw new FormatException($"An attribute of type '{type}' has a value of the wrong JSON kind.", exception);
        }
    }
}
