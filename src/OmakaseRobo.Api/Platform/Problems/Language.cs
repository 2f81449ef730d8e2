namespace OmakaseRobo.Api.Platform.Problems;

/// <summary>The language of messages: Japanese when the caller prefers it, English otherwise.</summary>
internal static class Language
{
    public static bool PrefersJapanese(HttpContext context)
    {
        var preferred = context.Request.GetTypedHeaders().AcceptLanguage
            .Where(l => l.Quality is null or > 0)
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value ?? string.Empty)
            .FirstOrDefault(l => l.StartsWith("ja", StringComparison.OrdinalIgnoreCase) || l.StartsWith("en", StringComparison.OrdinalIgnoreCase));
        return preferred is not null && preferred.StartsWith("ja", StringComparison.OrdinalIgnoreCase);
    }
}
