using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using OmakaseRobo.Api.Platform.Keys;
using OmakaseRobo.Api;
using OmakaseRobo.Api.Features.Audit;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>
/// The signature of a report. The canonical form is the report serialized compactly without its signature (UTF-8, every
/// non-ASCII character escaped, members in a fixed order); the signed document is that text with
/// <c>,"signature":{...}</c> inserted before its final brace. So anyone can recover the signed bytes from a saved
/// report by cutting at the last <c>,"signature":</c> and adding <c>}</c>, with no JSON library (docs/compliance.md).
/// </summary>
internal sealed class ReportSigning(IAuditSigner signer)
{
    private const string SignatureMember = ",\"signature\":";

    public static byte[] Canonical(ComplianceReport report)
    {
        return JsonSerializer.SerializeToUtf8Bytes(report with { Signature = null }, AppJsonContext.Default.ComplianceReport);
    }

    public async Task<SignedReport> SignAsync(ComplianceReport report, CancellationToken cancellationToken)
    {
        var canonical = Canonical(report);
        var der = await signer.SignAsync(canonical, cancellationToken).ConfigureAwait(false);
        var signature = new ReportSignature(ReportSignature.EcdsaP256Sha256, signer.KeyId, Convert.ToBase64String(der));
        var text = Encoding.UTF8.GetString(canonical);
        var json = string.Concat(text.AsSpan(0, text.Length - 1), SignatureMember, SignatureJson(signature), "}");
        return new SignedReport(report with { Signature = signature }, json);
    }

    /// <summary>The signature member, with base64's '+' left as it is so <c>sed</c> and <c>base64 -d</c> read it as written.</summary>
    private static string SignatureJson(ReportSignature signature)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("algorithm", signature.Algorithm);
            writer.WriteString("keyId", signature.KeyId);
            writer.WriteString("value", signature.Value);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public async Task<SigningKeyView> PublicKeyAsync(CancellationToken cancellationToken)
    {
        var spki = await signer.PublicKeyAsync(cancellationToken).ConfigureAwait(false);
        return new SigningKeyView(signer.KeyId, ReportSignature.EcdsaP256Sha256, PemEncoding.WriteString("PUBLIC KEY", spki) + "\n");
    }
}
