using System.Text;
using System.Text.Json;

namespace OmakaseRobo.Api.Platform.Problems;

/// <summary>The request field a JSON read failed on, from the exception's path ($.roles[0] → roles), or null at the root.</summary>
internal static class JsonField
{
    public static string? Of(JsonException exception)
    {
        if (exception.InnerException is JsonException)
        {
            return null; // the reader's own error: the body is not JSON at all (malformed-json), not a bad field
        }

        if (exception.Path is not { Length: > 1 } path || !path.StartsWith('$'))
        {
            return null;
        }

        var field = new StringBuilder();
        for (var i = 1; i < path.Length; i++)
        {
            switch (path[i])
            {
                case '.':
                    AppendSeparator(field);
                    break;
                case '[' when i + 1 < path.Length && path[i + 1] == '\'':
                    var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        return null;
                    }

                    AppendSeparator(field);
                    field.Append(path, i + 2, end - i - 2);
                    i = end + 1;
                    break;
                case '[':
                    var close = path.IndexOf(']', i);
                    i = close < 0 ? path.Length : close; // an index says which element, the field is the list
                    break;
                default:
                    field.Append(path[i]);
                    break;
            }
        }

        return field.Length is > 0 and <= 200 ? field.ToString() : null;
    }

    private static void AppendSeparator(StringBuilder field)
    {
        if (field.Length > 0)
        {
            field.Append('.');
        }
    }
}
