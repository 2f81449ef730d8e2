using Microsoft.Extensions.DependencyInjection.Extensions;
using OmakaseRobo.Api.Features.Backups;
using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>The compliance report, its checks, its store and its monthly job; every function may build a report.</summary>
internal static class ComplianceSetup
{
    private static readonly string[] LocaleVariables = ["LC_ALL", "LC_MESSAGES", "LANG"];

    public static IServiceCollection AddCompliance(this IServiceCollection services)
    {
        services.TryAddSingleton<RestoreTestStore>(); // read-only here; the jobs function registers it with the backups
        services.AddSingleton<TrailReader>();
        services.AddSingleton<IdentityChecks>();
        services.AddSingleton<DataChecks>();
        services.AddSingleton<OperationsChecks>();
        services.AddSingleton<IncidentChecks>();
        services.AddSingleton<OrganisationalChecks>();
        services.AddSingleton<ReportSigning>();
        services.AddSingleton<ComplianceStore>();
        services.AddSingleton<ComplianceService>();
        return services;
    }

    /// <summary>
    /// <c>dotnet run --project src/OmakaseRobo.Api -- report compliance [--format text|json|html]</c>: the same report as the
    /// API, alone on standard output; exit code 1 when any check fails, 2 for a bad argument, 3 when storage cannot be reached.
    /// </summary>
    public static async Task<int> RunFromCommandLineAsync(WebApplication app, IReadOnlyList<string> options)
    {
        var format = options is ["--format", var f] ? f : options.Count == 0 ? "text" : null;
        if (format is not ("text" or "json" or "html"))
        {
            await Console.Error.WriteLineAsync("Usage: report compliance [--format text|json|html]").ConfigureAwait(false);
            return 2;
        }

        return await CommandLine.RunAsync(app, async services =>
        {
            var signed = await services.GetRequiredService<ComplianceService>().ReportAsync(null, CancellationToken.None).ConfigureAwait(false);
            // The app runs with invariant globalization, so the culture never says ja: the POSIX locale variables do.
            var locale = LocaleVariables.Select(Environment.GetEnvironmentVariable).FirstOrDefault(v => !string.IsNullOrEmpty(v));
            var japanese = locale?.StartsWith("ja", StringComparison.OrdinalIgnoreCase) == true;
            await Console.Out.WriteLineAsync(format switch
            {
                "json" => signed.Json,
                "html" => ComplianceHtml.Render(signed.Report, japanese),
                _ => ComplianceText.Render(signed.Report),
            }).ConfigureAwait(false);
            return signed.Report.AnyFailed ? 1 : 0;
        }).ConfigureAwait(false);
    }
}
