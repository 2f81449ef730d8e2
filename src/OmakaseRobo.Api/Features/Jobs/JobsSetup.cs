using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Backups;
using OmakaseRobo.Api.Features.Compliance;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Webhooks;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Jobs;
using OmakaseRobo.Api.Platform.Retention;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Jobs;

/// <summary>The scheduled compliance jobs, all listed here, and the one runner that starts them (from /events or the command line).</summary>
internal static class JobsSetup
{
    public static IServiceCollection AddJobs(this IServiceCollection services, bool servesJobs)
    {
        services.AddSingleton<JobRunStore>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<PurgeCursorStore>();
        services.AddSingleton<DeletePipeline>();
        services.AddSingleton<ExpiredItemsPurge>();
        services.AddSingleton<PurgeRecordsJob>();

        services.AddSingleton<IComplianceJob>(sp => sp.GetRequiredService<PurgeRecordsJob>()); // 18.1.3
        services.AddSingleton<IComplianceJob, VerifyAuditChainJob>(); // 16.1.7
        services.AddSingleton<IComplianceJob>(sp => sp.GetRequiredService<TenantDeletion>()); // CLD.8.1.5
        services.AddSingleton<IComplianceJob, ReviewPrivilegedAccessJob>(); // 9.2.3, 9.4.4
        services.AddSingleton<IComplianceJob, RetryWebhooksJob>(); // 16.1.1 notices
        services.AddSingleton<IComplianceJob, ComplianceReportJob>(); // 18.2.1
        if (servesJobs)
        {
            services.AddSingleton<IComplianceJob>(sp => sp.GetRequiredService<VerifyBackupsJob>()); // 12.3.1
        }

        return services;
    }

    /// <summary>
    /// Runs one job from the command line (<c>dotnet run --project src/OmakaseRobo.Api -- job purge-records</c>): the same
    /// runner as /events, with a one-off event id; prints the report; exit code 1 when the job failed, 2 when it is unknown,
    /// 3 when storage cannot be reached.
    /// </summary>
    public static Task<int> RunFromCommandLineAsync(WebApplication app, string job) => CommandLine.RunAsync(app, async services =>
    {
        var runner = services.GetRequiredService<JobRunner>();
        var result = await runner.RunAsync(job, $"cli-{Ids.New("e")}", CancellationToken.None).ConfigureAwait(false);
        if (!result.Known)
        {
            await Console.Error.WriteLineAsync($"Unknown job '{job}'. Jobs: {string.Join(", ", runner.Names)}").ConfigureAwait(false);
            return 2;
        }

        await Console.Out.WriteLineAsync(result.Report).ConfigureAwait(false); // alone on standard output; the logs are on standard error
        return result.Ok ? 0 : 1;
    });
}
