using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OmakaseRobo.Api.Platform.Keys;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>Where the next page of a newest-first listing starts: in <see cref="Day"/>'s chain, below position <see cref="Below"/>.</summary>
internal sealed record CursorPosition(DateOnly Day, long Below)
{
    public static CursorPosition StartOf(DateOnly day) => new(day, long.MaxValue);
}

/// <summary>
/// Opaque page cursors: the position sealed with the envelope cipher (AES-256-GCM) under an encryption context that
/// names the tenant and the query, so a cursor altered, or used for another tenant or other filters, does not open.
/// </summary>
internal sealed class AuditCursor(EnvelopeCipher cipher)
{
    public const string Purpose = "audit-cursor";
    public const int MaxLength = 2048;

    public async Task<string> SealAsync(string tenantId, string query, CursorPosition position, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes($"v1\n{AuditChain.Format(position.Day)}\n{position.Below.ToString(CultureInfo.InvariantCulture)}");
        var sealedPosition = await cipher.SealAsync(payload, Context(tenantId, query), cancellationToken).ConfigureAwait(false);
        return Base64Url.EncodeToString(Convert.FromBase64String(sealedPosition)); // URL-safe: it travels in a query string
    }

    /// <summary>Null when the cursor is not one this API issued for this tenant and query.</summary>
    public async Task<CursorPosition?> OpenAsync(string tenantId, string query, string cursor, CancellationToken cancellationToken)
    {
        if (cursor.Length > MaxLength || !Base64Url.IsValid(cursor))
        {
            return null;
        }

        byte[] payload;
        try
        {
            payload = await cipher.OpenAsync(Convert.ToBase64String(Base64Url.DecodeFromChars(cursor)), Context(tenantId, query), cancellationToken).ConfigureAwait(false);
        }
        catch (CryptographicException)
        {
            return null; // altered, or sealed for another tenant or query
        }
        catch (Amazon.KeyManagementService.Model.InvalidCiphertextException)
        {
            return null; // the same, as KMS says it about the data key
        }

        var parts = Encoding.UTF8.GetString(payload).Split('\n');
        return parts is ["v1", var day, var below]
            && AuditChain.ParseDay(day) is { } parsedDay
            && long.TryParse(below, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? new CursorPosition(parsedDay, position)
            : null;
    }

    private static EncryptionContext Context(string tenantId, string query) => new(tenantId, Purpose, query);
}
