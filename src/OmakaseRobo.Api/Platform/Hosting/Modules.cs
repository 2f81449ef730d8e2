using OmakaseRobo.Api.Platform.Problems;
namespace OmakaseRobo.Api.Platform.Hosting;

/// <summary>The route families one deployed function serves (Omakase:Function).</summary>
internal static class Modules
{
    public const string All = "all";
    public const string Auth = "auth";
    public const string Admin = "admin";
    public const string Incidents = "incidents";
    public const string Jobs = "jobs";

    private static readonly string[] Known = [All, Auth, Admin, Incidents, Jobs];

    public static bool Serves(this OmakaseOptions options, string module)
    {
        return options.Function == All || options.Function == module;
    }

    public static void Validate(OmakaseOptions options)
    {
        if (!Known.Contains(options.Function))
        {
            throw new InvalidOperationException(
                $"Omakase:Function must be one of {string.Join(", ", Known)}, not '{options.Function}'.");
        }
    }
}
