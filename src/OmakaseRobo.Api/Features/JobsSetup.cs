using OmakaseRobo.Api.Features.Jobs;
using OmakaseRobo.Api.Features.Purge;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features;

/// <summary>The scheduled compliance jobs and the one runner that starts them.</summary>
public static class JobsSetup
{
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddSingleton<JobRunStore>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<TenantDeletion>();
        services.AddSingleton<IComplianceJob>(sp => sp.GetRequiredService<TenantDeletion>());
        services.AddSingleton<IComplianceJob, ReviewPrivilegedAccessJob>();
        services.AddSingleton<IComplianceJob, RetryWebhooksJob>();
        services.AddSingleton<IComplianceJob, VerifyAuditChainJob>();
        services.AddSingleton<DeletePipeline>();
        services.AddSingleton<PurgeCursorStore>();
        services.AddSingleton<AuditPurgeLedger>();
        services.AddSingleton<AuditChainPurge>();
        services.AddSingleton<ExpiredItemsPurge>();
        services.AddSingleton<PurgeRecordsJob>();
        services.AddSingleton<IComplianceJob>(sp => sp.GetRequiredService<PurgeRecordsJob>());
        return services;
    }

    /// <summary>
    /// Runs one job from the command line (<c>dotnet run --project src/OmakaseRobo.Api -- job purge-records</c>): the same
    /// runner as /events, with a one-off event id; prints the report; exit code 1 when the job failed or is unknown.
    /// </summary>
    public static async Task<int> RunFromCommandLineAsync(WebApplication app, string job)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.StartAsync().ConfigureAwait(false);
        var runner = app.Services.GetRequiredService<JobRunner>();
        JobRunner.RunResult result;
        try
        {
            result = await runner.RunAsync(job, $"cli-{Ids.New("e")}", CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await app.StopAsync().ConfigureAwait(false);
        }

        if (!result.Known)
        {
            await Console.Error.WriteLineAsync($"Unknown job '{job}'. Jobs: {string.Join(", ", runner.Names)}").ConfigureAwait(false);
            return 2;
        }

        // The report is the last line on standard output, after the logs of the run.
        await Console.Out.WriteLineAsync(result.Report).ConfigureAwait(false);
        return result.Ok ? 0 : 1;
    }
}
