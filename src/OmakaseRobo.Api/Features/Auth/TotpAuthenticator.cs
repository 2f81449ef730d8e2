using System.Security.Cryptography;
using System.Text;
using OtpNet;
using OmakaseRobo.Api.Platform.Keys;
using QRCoder;
using OmakaseRobo.Api.Platform.Text;

namespace OmakaseRobo.Api.Features.Auth;

/// <summary>
/// RFC 6238 TOTP: 160-bit secret, SHA-1, 6 digits, 30-second steps, one step of skew each way (12.4.4),
/// timed by the injected clock. Recovery codes: ten single-use 80-bit codes, stored as SHA-256.
/// </summary>
internal sealed class TotpAuthenticator(TimeProvider clock)
{
    public const string Issuer = "Omakase Robo";
    public const int RecoveryCodeCount = 10;
    private const string RecoveryAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static readonly VerificationWindow OneStepEachWay = new(previous: 1, future: 1);

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(20);

    /// <summary>What a user's sealed TOTP seed is bound to: opening it for another user or purpose fails.</summary>
    public static EncryptionContext SeedContext(string tenantId, string userId) => new(tenantId, "totp-seed", userId);

    public static string Base32(byte[] secret) => Base32Encoding.ToString(secret);

    public static string OtpAuthUri(string secretBase32, string account) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(account)}?secret={secretBase32}&issuer={Uri.EscapeDataString(Issuer)}&algorithm=SHA1&digits=6&period=30";

    public static string QrCodeSvg(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }

    /// <summary>The time step the code matches now (±1 step), or null.</summary>
    public long? MatchingStep(byte[] secret, string code)
    {
        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var totp = new Totp(secret, step: 30, mode: OtpHashMode.Sha1, totpSize: 6);
        return totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, code, out var step, OneStepEachWay) ? step : null;
    }

    public static List<string> NewRecoveryCodes() =>
        [.. Enumerable.Range(0, RecoveryCodeCount).Select(_ => string.Join('-', Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetString(RecoveryAlphabet, 4))))];

    /// <summary>Recovery codes are compared by hash, ignoring case and dashes.</summary>
    public static string HashRecoveryCode(string code)
    {
        var normalized = code.Replace("-", string.Empty, StringComparison.Ordinal).Trim().ToUpperInvariant();
        return TextDigest.Sha256Hex(normalized);
    }

    public static bool LooksLikeRecoveryCode(string code) =>
        code is { Length: >= 16 and <= 24 } && code.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
