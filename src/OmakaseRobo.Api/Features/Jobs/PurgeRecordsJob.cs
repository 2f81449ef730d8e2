using System.Text.Json;
using Amazon.DynamoDBv2;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Platform.Jobs;
using OmakaseRobo.Api.Platform.Retention;

namespace OmakaseRobo.Api.Features.Jobs;

/// <summary>
/// 18.1.3, the job purge-records: removes every access, operation, auth and system record older than 30 days unless
/// held, and every expired session, MFA challenge, webhook delivery and job run. DynamoDB TTL stays as a backstop; the
/// job is the guarantee. It reads only what expired (day index, expiry index, its own ledger), keeps two pages in memory,
/// and is resumable: every deletion is idempotent and a cursor says where the next run starts.
/// </summary>
internal sealed partial class PurgeRecordsJob(
    AuditChainPurge audit, ExpiredItemsPurge expiries, PurgeCursorStore cursors, OmakaseOptions options, TimeProvider clock, ILogger<PurgeRecordsJob> logger)
    : IComplianceJob
{
    public string Name => "purge-records";

    public async Task<JobOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var report = await PurgeAsync(afterDeleted: null, cancellationToken).ConfigureAwait(false);
        return new JobOutcome(report.Ok, JsonSerializer.SerializeToElement(report, AppJsonContext.Default.PurgeReport));
    }

    /// <param name="afterDeleted">Called with the running total after each confirmed batch of deletions (tests stop a run with it).</param>
    public async Task<PurgeReport> PurgeAsync(Action<long>? afterDeleted, CancellationToken cancellationToken)
    {
        var run = new PurgeRun(clock.GetUtcNow(), clock, options.Purge.TimeBudget, afterDeleted);
        var started = await cursors.GetAsync(cancellationToken).ConfigureAwait(false)
            ?? PurgeCursor.Start(run.Today.AddDays(-(int)options.Purge.FirstRunLookBack.TotalDays));

        var cursor = await audit.PurgeAsync(run, started, cancellationToken).ConfigureAwait(false);
        if (!run.Stopped)
        {
            try
            {
                cursor = await expiries.PurgeAsync(run, cursor, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonDynamoDBException exception) when (ExpiredItemsPurge.IsMissingIndex(exception))
            {
                LogIndexMissing(logger, options.Tables.Main, TableSchema.Index2);
                run.Fail($"index-missing: table {options.Tables.Main} has no index {TableSchema.Index2} (local data from before it existed: "
                    + "stop the app and delete .local/dynamodb; in AWS: deploy the stack)");
            }
        }

        if (cursor != started)
        {
            await cursors.SaveAsync(cursor, cancellationToken).ConfigureAwait(false);
        }

        if (run.Stopped && run.Problem is null)
        {
            LogOutOfTime(logger, options.Purge.TimeBudget, run.DeletedTotal);
        }

        var complete = !run.Stopped;
        return new PurgeReport(
            complete,
            complete,
            run.Now,
            run.Counts(),
            new HeldCounts(run.HeldChains, run.HeldRecords),
            new PurgeDays(started.AuditFrom, AuditChainPurge.LastExpiredDay(run.Now), cursor.AuditFrom),
            new PurgeDays(started.ExpiriesFrom, run.Today, cursor.ExpiriesFrom),
            run.Problem ?? (complete ? null : "out-of-time: the next run continues where this one stopped"));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "purge-records: table {Table} has no index {Index}; expired sessions, MFA challenges, deliveries and job runs were not purged")]
    private static partial void LogIndexMissing(ILogger logger, string table, string index);

    [LoggerMessage(Level = LogLevel.Warning, Message = "purge-records: stopped after {Budget} with {Deleted} items deleted; the next run continues")]
    private static partial void LogOutOfTime(ILogger logger, TimeSpan budget, long deleted);
}
