using System.Collections.Frozen;

namespace OmakaseRobo.Api.Platform.Credentials;

/// <summary>
/// 9.2.4: 12 to 128 characters with an upper-case letter, a lower-case letter and a digit; not containing the
/// email's local part; not one of 30,000 common passwords (zxcvbn's list, MIT), compared without case and
/// also with trailing digits and symbols removed ("Password1234!" is "password").
/// </summary>
internal static class PasswordPolicy
{
    public const int MinLength = 12;
    public const int MaxLength = 128;

    private static readonly Lazy<FrozenSet<string>> Common = new(LoadCommon);

    public static int CommonCount => Common.Value.Count;

    /// <summary>Error codes (FieldMessages) for what the password breaks; empty when it is acceptable.</summary>
    public static List<string> Check(string password, string? email)
    {
        var errors = new List<string>();
        var length = password.EnumerateRunes().Count();
        if (length < MinLength)
        {
            errors.Add("password-too-short");
        }

        if (length > MaxLength)
        {
            errors.Add("password-too-long");
        }

        if (!password.Any(char.IsUpper))
        {
            errors.Add("password-needs-upper");
        }

        if (!password.Any(char.IsLower))
        {
            errors.Add("password-needs-lower");
        }

        if (!password.Any(char.IsAsciiDigit))
        {
            errors.Add("password-needs-digit");
        }

        var localPart = email?.Split('@')[0];
        if (localPart is { Length: >= 3 } && password.Contains(localPart, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("password-contains-email");
        }

        if (IsCommon(password))
        {
            errors.Add("password-common");
        }

        return errors;
    }

    public static bool IsCommon(string password)
    {
        var lower = password.ToLowerInvariant();
        var stem = lower.TrimEnd("0123456789!@#$%^&*()-_=+.?~ ".ToCharArray());
        return Common.Value.Contains(lower) || (stem.Length > 0 && Common.Value.Contains(stem));
    }

    /// <summary>Loaded once from the embedded list; measured in the README.</summary>
    private static FrozenSet<string> LoadCommon()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("OmakaseRobo.Api.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is not embedded.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                set.Add(line.ToLowerInvariant());
            }
        }

        return set.ToFrozenSet(StringComparer.Ordinal);
    }
}
