using System.Text;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Text;

namespace OmakaseRobo.Api.Platform.Http;

/// <summary>
/// The <c>Idempotency-Key</c> request header of a creation (IETF httpapi draft): a client that lost the answer sends the
/// same request with the same key and gets the resource the first call made, not a second one. The key names the new
/// resource: its id is derived from the caller and the key, so the creation's own conditional put is the check and
/// nothing else is stored. The request's fingerprint, stored on the resource, tells a retry from another request sent
/// under a key already used (422).
/// </summary>
internal sealed class IdempotencyKey
{
    public const string Header = "Idempotency-Key";

    private const int MaxLength = 128;

    private readonly string value;

    private IdempotencyKey(string value) => this.value = value;

    /// <summary>
    /// False when the header is there but is not 1 to 128 visible ASCII characters but a comma (as a plain token or as a quoted
    /// structured-field string, as the draft writes it); <paramref name="key"/> is null when there is no header.
    /// </summary>
    public static bool TryParse(string? header, out IdempotencyKey? key)
    {
        key = null;
        if (header is null)
        {
            return true;
        }

        var text = header is ['"', .. var inner, '"'] ? inner : header;
        // A comma is refused: it is what joins two Idempotency-Key headers into one value, and one request has one key.
        if (text.Length is 0 or > MaxLength || !text.All(c => c is > ' ' and < '\u007f' and not '"' and not '\\' and not ','))
        {
            return false;
        }

        key = new IdempotencyKey(text);
        return true;
    }

    /// <summary>The id of the resource this caller's request under this key creates: the same for every retry.</summary>
    public string IdFor(string prefix, Caller caller) => Ids.Derived(prefix, $"{caller.TenantId}\n{caller.UserId}\n{value}");

    /// <summary>A digest of the request's fields, in order, each length-prefixed so no two lists of fields share one.</summary>
    public static string Fingerprint(IEnumerable<string> fields)
    {
        var text = new StringBuilder();
        foreach (var field in fields)
        {
            text.Append(field.Length).Append(':').Append(field);
        }

        return TextDigest.Sha256Hex(text.ToString());
    }
}
