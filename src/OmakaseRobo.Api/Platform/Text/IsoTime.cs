using System.Globalization;

namespace OmakaseRobo.Api.Platform.Text;

/// <summary>
/// A time given as text by a caller: ISO 8601 only (a date, or a date and time with optional fractions and offset; UTC
/// when no offset is given). Culture formats such as <c>08/12/2026</c> are refused: read the US way they would silently
/// be another day.
/// </summary>
internal static class IsoTime
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    public static DateTimeOffset? Parse(string? value) =>
        DateTimeOffset.TryParseExact(value, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
}
