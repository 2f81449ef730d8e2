using System.Text.Json;

namespace OmakaseRobo.Infra.Tests;

/// <summary>Small readers for CloudFormation JSON: strings or lists of strings, references, joined ARNs.</summary>
public static class TemplateJson
{
    /// <summary>A value that is a string or a list of them, as IAM's Action and Resource are.</summary>
    public static IReadOnlyList<JsonElement> OneOrMany(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : [value];

    /// <summary>The logical id a {"Ref": id} or {"Fn::GetAtt": [id, attribute]} points at, else null.</summary>
    public static string? ReferencedLogicalId(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (value.TryGetProperty("Ref", out var reference))
        {
            return reference.GetString();
        }

        return value.TryGetProperty("Fn::GetAtt", out var attribute) ? attribute[0].GetString() : null;
    }

    /// <summary>Renders a value as text, Fn::Join flattened and references as {LogicalId}, to compare against ARN shapes.</summary>
    public static string Render(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Object when value.TryGetProperty("Fn::Join", out var join) =>
            string.Join(join[0].GetString(), join[1].EnumerateArray().Select(Render)),
        JsonValueKind.Object when ReferencedLogicalId(value) is { } logicalId => $"{{{logicalId}}}",
        _ => value.GetRawText(),
    };

    /// <summary>Every string anywhere inside a value.</summary>
    public static IEnumerable<string> AllStrings(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Array => value.EnumerateArray().SelectMany(AllStrings),
        JsonValueKind.Object => value.EnumerateObject().SelectMany(property => AllStrings(property.Value)),
        _ => [],
    };
}
