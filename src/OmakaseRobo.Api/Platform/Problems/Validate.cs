using System.Buffers;
using System.Globalization;
using System.Text;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Text;

namespace OmakaseRobo.Api.Platform.Problems;

/// <summary>Field checks that answer error codes (see FieldMessages); null means the field is fine.</summary>
internal static class Validate
{
    public static string? Required(string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? FieldMessages.Required
        : value.Length > maxLength ? FieldMessages.TooLong
        : value.Any(IsHidden) ? FieldMessages.InvalidFormat
        : null;

    /// <summary>
    /// Multi-line text (an incident's description, a notice, a note): as <see cref="Required"/>, but line breaks and tabs
    /// are taken, since a notice to customers has paragraphs.
    /// </summary>
    public static string? Text(string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? FieldMessages.Required
        : value.Length > maxLength ? FieldMessages.TooLong
        : value.Any(c => c is not ('\n' or '\r' or '\t') && IsHidden(c)) ? FieldMessages.InvalidFormat
        : null;

    /// <summary>
    /// A control character, a line or paragraph separator, or a bidirectional override or isolate (U+202A–U+202E,
    /// U+2066–U+2069): each changes how the text around it is shown, so a report, a notice or a log line could read as
    /// something it does not say ("Trojan Source").
    /// </summary>
    private static bool IsHidden(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>A field that may be absent, and when present obeys the rules of <see cref="Required"/>.</summary>
    public static string? Optional(string? value, int maxLength) => value is null ? null : Required(value, maxLength);

    public static string? Email(string? value) =>
        Required(value, 254) is { } error && error != FieldMessages.InvalidFormat ? error
        : ShowsEveryCharacter(value!.Trim()) && EmailAddress.Normalize(value) is { Length: <= 254 } normalized && IsEmail(normalized) ? null
        : FieldMessages.InvalidEmail;

    /// <summary>The stored form of an email (see EmailAddress); an address that has none matches no user.</summary>
    public static string NormalizeEmail(string email)
    {
        return EmailAddress.Normalize(email) ?? "invalid:" + email.Trim();
    }

    /// <summary>Collects the field errors; null when there are none.</summary>
    public static Dictionary<string, string[]>? Fields(params (string Field, string? Error)[] checks)
    {
        var errors = checks.Where(c => c.Error is not null).ToDictionary(c => c.Field, c => new[] { c.Error! });
        return errors.Count == 0 ? null : errors;
    }

    private static bool IsEmail(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at > 0
            && at == email.LastIndexOf('@')
            && email.IndexOf('.', at) > at + 1
            && !email.EndsWith('.')
            && !email.Any(char.IsWhiteSpace);
    }

    /// <summary>
    /// No character that shows nothing or shows as a space (format characters such as U+200B or the soft hyphen,
    /// controls, separators, private-use or unassigned code points, a broken surrogate pair): with one, an address would
    /// look exactly like another that it is not. Checked on the address as given: IDNA turns a domain into ASCII.
    /// </summary>
    private static bool ShowsEveryCharacter(string email)
    {
        for (var i = 0; i < email.Length;)
        {
            if (Rune.DecodeFromUtf16(email.AsSpan(i), out var rune, out var used) != OperationStatus.Done
                || Rune.GetUnicodeCategory(rune) is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                    or UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                return false;
            }

            i += used;
        }

        return true;
    }
}
