using System.Text.Json;
using System.Text.Json.Serialization;

namespace OmakaseRobo.Api.Platform.Http;

/// <summary>
/// Every list of strings in a request body holds strings only: a null or any other element fails the read with a
/// JsonException whose path names the field, which the problem handler answers as a 400 on that field. One rule for
/// every request type, so no handler meets a null where its type promises a string.
/// </summary>
internal static class StrictStringLists
{
    public static void AddTo(JsonSerializerOptions options)
    {
        options.Converters.Add(new ListConverter());
        options.Converters.Add(new ArrayConverter());
        options.Converters.Add(new ReadOnlyListConverter());
    }

    private static List<string> Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected an array of strings.");
        }

        var items = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException("Expected a string.");
            }

            items.Add(reader.GetString()!);
        }

        return items;
    }

    private static void Write(Utf8JsonWriter writer, IEnumerable<string> value)
    {
        writer.WriteStartArray();
        foreach (var item in value)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }

    private sealed class ListConverter : JsonConverter<List<string>>
    {
        public override List<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => StrictStringLists.Read(ref reader);

        public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options) => StrictStringLists.Write(writer, value);
    }

    private sealed class ArrayConverter : JsonConverter<string[]>
    {
        public override string[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => [.. StrictStringLists.Read(ref reader)];

        public override void Write(Utf8JsonWriter writer, string[] value, JsonSerializerOptions options) => StrictStringLists.Write(writer, value);
    }

    private sealed class ReadOnlyListConverter : JsonConverter<IReadOnlyList<string>>
    {
        public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => StrictStringLists.Read(ref reader);

        public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options) => StrictStringLists.Write(writer, value);
    }
}
