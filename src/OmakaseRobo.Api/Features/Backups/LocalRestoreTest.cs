using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Backups;

/// <summary>
/// The local restore test: a backup's items written into a new scratch table in DynamoDB Local, then the scratch
/// table's item count and canary compared with what the backup recorded. The scratch table is always deleted.
/// </summary>
internal sealed class LocalRestoreTest(IAmazonDynamoDB dynamo, LocalBackupFiles files, BackupCanary canary, OmakaseOptions options, TimeProvider clock)
{
    private const int BatchSize = 25; // BatchWriteItem's limit
    private const int MaxAttempts = 8;

    public async Task<RestoreTestResult> RunAsync(LocalBackupManifest backup, CancellationToken cancellationToken)
    {
        var prefix = options.Backups.RestoreTablePrefix;
        await DeleteLeftoversAsync($"{prefix}{backup.Table}-", cancellationToken).ConfigureAwait(false);
        var scratch = ScratchTables.Name(prefix, backup.Table, clock.GetUtcNow());
        RestoreTestResult Failed(string reason, long? restored = null) =>
            new(RestoreTestResult.Failed, backup.DataFile, backup.TakenAt, scratch, backup.ItemCount, restored, null, null, reason);

        await dynamo.CreateTableAsync(TableSchema.CreateRequest(scratch), cancellationToken).ConfigureAwait(false);
        try
        {
            if (!await WriteAllAsync(scratch, files.ReadAsync(backup, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                return Failed($"DynamoDB left items unprocessed after {MaxAttempts} attempts while restoring into {scratch}");
            }

            var restored = await TableScan.CountAsync(dynamo, scratch, cancellationToken).ConfigureAwait(false);
            var canaryAt = await canary.ReadAsync(scratch, cancellationToken).ConfigureAwait(false);
            if (restored != backup.ItemCount)
            {
                return Failed($"{restored} items restored into {scratch}, the backup recorded {backup.ItemCount}", restored);
            }

            if (backup.CanaryWrittenAt is null || canaryAt != backup.CanaryWrittenAt)
            {
                var found = canaryAt is null ? "no canary" : $"a canary of {canaryAt:O}";
                var expected = backup.CanaryWrittenAt is null ? "none recorded" : $"the backup recorded {backup.CanaryWrittenAt:O}";
                return Failed($"the restored table holds {found}; {expected}", restored) with { CanaryFound = false };
            }

            return new RestoreTestResult(
                RestoreTestResult.Passed, backup.DataFile, backup.TakenAt, scratch, backup.ItemCount, restored, true, null,
                $"{restored} of {backup.ItemCount} items restored from {backup.DataFile} into {scratch}; canary of {canaryAt:O} found");
        }
        catch (Exception exception) when (LocalBackupFiles.DescribeReadFailure(exception) is { } reason)
        {
            return Failed($"{backup.DataFile} {reason}");
        }
        catch (AmazonDynamoDBException exception)
        {
            return Failed($"DynamoDB refused the restore into {scratch}: {exception.ErrorCode}: {exception.Message}");
        }
        finally
        {
            await ScratchTables.DeleteAsync(dynamo, scratch).ConfigureAwait(false);
        }
    }

    /// <summary>Writes every item in batches of 25, sending unprocessed items again with back-off; false when some never went in.</summary>
    private async Task<bool> WriteAllAsync(
        string scratch, IAsyncEnumerable<Dictionary<string, AttributeValue>> items, CancellationToken cancellationToken)
    {
        var batch = new List<WriteRequest>(BatchSize);
        await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            batch.Add(new WriteRequest { PutRequest = new PutRequest { Item = item } });
            if (batch.Count == BatchSize)
            {
                if (!await WriteBatchAsync(scratch, batch, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }

                batch.Clear();
            }
        }

        return batch.Count == 0 || await WriteBatchAsync(scratch, batch, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> WriteBatchAsync(string scratch, List<WriteRequest> batch, CancellationToken cancellationToken)
    {
        var requests = new Dictionary<string, List<WriteRequest>> { [scratch] = batch };
        for (var attempt = 1; ; attempt++)
        {
            var response = await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = requests }, cancellationToken).ConfigureAwait(false);
            if (response.UnprocessedItems is not { Count: > 0 } unprocessed)
            {
                return true;
            }

            if (attempt == MaxAttempts)
            {
                return false;
            }

            requests = unprocessed;
            var backOff = TimeSpan.FromMilliseconds(Math.Min(5_000, 50 * (1 << attempt)));
            // Back-off is a pause, not a time stamp: the system timer, so a test's fake clock cannot stall it.
            await Task.Delay(backOff, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A run killed between creating and deleting its scratch table leaves it behind: the next run removes it.</summary>
    private async Task DeleteLeftoversAsync(string namePrefix, CancellationToken cancellationToken)
    {
        string? start = null;
        do
        {
            var page = await dynamo.ListTablesAsync(new ListTablesRequest { ExclusiveStartTableName = start }, cancellationToken).ConfigureAwait(false);
            foreach (var name in page.TableNames ?? [])
            {
                if (name.StartsWith(namePrefix, StringComparison.Ordinal) && name.Length == namePrefix.Length + 14 && name[namePrefix.Length..].All(char.IsAsciiDigit))
                {
                    await ScratchTables.DeleteAsync(dynamo, name).ConfigureAwait(false);
                }
            }

            start = page.LastEvaluatedTableName;
        }
        while (start is not null);
    }
}
