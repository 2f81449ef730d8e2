using System.Globalization;

namespace OmakaseRobo.Api.Platform.Text;

/// <summary>
/// The one form of an email address the app stores, keeps unique and looks up: Unicode NFKC (so fullwidth and other
/// compatibility look-alikes fold to one), lower-case, and the domain as IDNA ASCII (punycode). Every email that
/// enters the app (user creation, sign-in, the bootstrap operator) goes through <see cref="Normalize"/>.
/// </summary>
internal static class EmailAddress
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>The normalised address, or null when its domain is no valid IDNA name.</summary>
    public static string? Normalize(string email)
    {
        // NFKC, then lower-case, then NFKC again: lower-casing can leave a string that is no longer normalised.
        var folded = Nfkc.Normalize(Nfkc.Normalize(email.Trim()).ToLowerInvariant());
        var at = folded.LastIndexOf('@');
        if (at <= 0 || at == folded.Length - 1)
        {
            return folded;
        }

        try
        {
            return string.Concat(folded.AsSpan(0, at + 1), Idn.GetAscii(folded[(at + 1)..]).ToLowerInvariant());
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
