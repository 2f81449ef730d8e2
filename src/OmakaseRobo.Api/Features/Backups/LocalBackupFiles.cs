using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Keys;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Backups;

/// <summary>What is known of one local backup without opening it, kept next to it as {table}-{stamp}.manifest.json.</summary>
internal sealed record LocalBackupManifest(
    int Format, string Table, DateTimeOffset TakenAt, long ItemCount, string Sha256, string DataFile, DateTimeOffset? CanaryWrittenAt);

/// <summary>One table's local backups, newest first, and the names of manifest files that could not be read.</summary>
internal sealed record LocalBackupListing(IReadOnlyList<LocalBackupManifest> Backups, IReadOnlyList<string> Unreadable);

/// <summary>
/// The files of local mode's backups: {table}-{yyyyMMddHHmmss}.backup holds the table's items as DynamoDB JSON lines,
/// sealed with <see cref="ChunkedEnvelope"/> under the context platform / backup / {table}@{stamp} (a file renamed to
/// another table or time does not open); the manifest records the item count and the SHA-256 of the plaintext.
/// Written and read as streams: memory stays flat whatever the size of the table.
/// </summary>
internal sealed partial class LocalBackupFiles(IKeyProvider keys, OmakaseOptions options)
{
    public const int Format = 1;
    private const string StampFormat = "yyyyMMddHHmmss";
    private const string DataExtension = ".backup";
    private const string ManifestExtension = ".manifest.json";
    private const string PartialExtension = ".partial";

    public string Folder => LocalPaths.BackupDir(options);

    public static string DataFileName(string table, DateTimeOffset takenAt) => $"{table}-{Stamp(takenAt)}{DataExtension}";

    public static string ManifestFileName(string table, DateTimeOffset takenAt) => $"{table}-{Stamp(takenAt)}{ManifestExtension}";

    /// <summary>Streams <paramref name="items"/> into a new sealed file, then writes its manifest; a failed write leaves no file behind.</summary>
    public async Task<LocalBackupManifest> WriteAsync(
        string table, DateTimeOffset takenAt, IAsyncEnumerable<Dictionary<string, AttributeValue>> items, DateTimeOffset? canaryWrittenAt,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        takenAt = DateTimeOffset.FromUnixTimeSeconds(takenAt.ToUnixTimeSeconds()); // the file name holds whole seconds
        var dataPath = Path.Combine(Folder, DataFileName(table, takenAt));
        long count = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            await using (var file = CreateOwnerOnly(dataPath + PartialExtension))
            {
                using var envelope = await ChunkedEnvelope.CreateAsync(keys, file, Context(table, takenAt), cancellationToken).ConfigureAwait(false);
                var line = new ArrayBufferWriter<byte>(4096);
                using var json = new Utf8JsonWriter(line);
                await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    line.ResetWrittenCount();
                    json.Reset(line);
                    ItemJson.Write(json, item);
                    json.Flush();
                    line.Write("\n"u8);
                    hash.AppendData(line.WrittenSpan);
                    await envelope.WriteAsync(line.WrittenMemory, cancellationToken).ConfigureAwait(false);
                    count++;
                }

                await envelope.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Move(dataPath + PartialExtension, dataPath, overwrite: true);
        }
        catch
        {
            File.Delete(dataPath + PartialExtension);
            throw;
        }

        var manifest = new LocalBackupManifest(
            Format, table, takenAt, count, Convert.ToHexStringLower(hash.GetHashAndReset()), DataFileName(table, takenAt), canaryWrittenAt);
        var manifestPath = Path.Combine(Folder, ManifestFileName(table, takenAt));
        await using (var file = CreateOwnerOnly(manifestPath + PartialExtension))
        {
            await JsonSerializer.SerializeAsync(file, manifest, AppJsonContext.Default.LocalBackupManifest, cancellationToken).ConfigureAwait(false);
        }

        File.Move(manifestPath + PartialExtension, manifestPath, overwrite: true);
        return manifest;
    }

    public LocalBackupListing List(string table)
    {
        var backups = new List<LocalBackupManifest>();
        var unreadable = new List<string>();
        if (!Directory.Exists(Folder))
        {
            return new LocalBackupListing(backups, unreadable);
        }

        foreach (var path in Directory.EnumerateFiles(Folder, "*" + ManifestExtension))
        {
            var name = Path.GetFileName(path);
            if (BackupFileName().Match(name) is not { Success: true } match || match.Groups["table"].Value != table)
            {
                continue;
            }

            LocalBackupManifest? manifest;
            try
            {
                manifest = JsonSerializer.Deserialize(File.ReadAllBytes(path), AppJsonContext.Default.LocalBackupManifest);
            }
            catch (JsonException)
            {
                manifest = null;
            }

            // A manifest that names another table, time or file is as unreadable as a broken one.
            if (manifest is null || manifest.Table != table || ManifestFileName(table, manifest.TakenAt) != name
                || manifest.DataFile != DataFileName(table, manifest.TakenAt))
            {
                unreadable.Add(name);
            }
            else
            {
                backups.Add(manifest);
            }
        }

        return new LocalBackupListing([.. backups.OrderByDescending(b => b.TakenAt)], unreadable);
    }

    /// <summary>
    /// The backup's items, one at a time. At the end the count and SHA-256 are checked against the manifest. Throws
    /// <see cref="CryptographicException"/>, <see cref="InvalidDataException"/>, <see cref="JsonException"/>,
    /// <see cref="FormatException"/> or <see cref="FileNotFoundException"/> on a backup that cannot be trusted (see <see cref="DescribeReadFailure"/>).
    /// </summary>
    public async IAsyncEnumerable<Dictionary<string, AttributeValue>> ReadAsync(
        LocalBackupManifest manifest, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var file = new FileStream(Path.Combine(Folder, DataFileName(manifest.Table, manifest.TakenAt)), FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        await using var fileScope = file.ConfigureAwait(false);
        using var envelope = await ChunkedEnvelope.OpenAsync(keys, file, Context(manifest.Table, manifest.TakenAt), cancellationToken).ConfigureAwait(false);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var pending = new byte[2 * ChunkedEnvelope.ChunkSize];
        var length = 0;
        long count = 0;
        while (await envelope.ReadChunkAsync(cancellationToken).ConfigureAwait(false) is { } chunk)
        {
            hash.AppendData(chunk.Span);
            if (length + chunk.Length > pending.Length)
            {
                var larger = new byte[Math.Max(2 * pending.Length, length + chunk.Length)];
                pending.AsSpan(0, length).CopyTo(larger);
                pending = larger;
            }

            chunk.Span.CopyTo(pending.AsSpan(length));
            length += chunk.Length;
            var consumed = 0;
            int newline;
            while ((newline = pending.AsSpan(consumed, length - consumed).IndexOf((byte)'\n')) >= 0)
            {
                var item = ParseLine(pending.AsMemory(consumed, newline));
                consumed += newline + 1;
                count++;
                yield return item;
            }

            pending.AsSpan(consumed, length - consumed).CopyTo(pending);
            length -= consumed;
        }

        if (length != 0)
        {
            throw new InvalidDataException("the backup ends in the middle of an item");
        }

        if (count != manifest.ItemCount)
        {
            throw new InvalidDataException($"the backup holds {count} items, its manifest {manifest.ItemCount}");
        }

        if (Convert.ToHexStringLower(hash.GetHashAndReset()) != manifest.Sha256)
        {
            throw new InvalidDataException("the SHA-256 of the backup does not match its manifest");
        }
    }

    /// <summary>Why a backup could not be read, in words for the report; null for an exception that is not about the backup.</summary>
    public static string? DescribeReadFailure(Exception exception) => exception switch
    {
        CryptographicException => "does not decrypt: the file was altered or cut off, or sealed with another key",
        InvalidDataException invalid => invalid.Message,
        JsonException or FormatException => "holds a line that is not a DynamoDB item",
        FileNotFoundException => "its data file is missing",
        _ => null,
    };

    /// <summary>
    /// Deletes backups taken before <paramref name="cutoff"/>, and partial files (left by a crashed run: the job calls
    /// this before it writes the day's backup); returns the names deleted.
    /// </summary>
    public IReadOnlyList<string> DeleteTakenBefore(DateTimeOffset cutoff)
    {
        var deleted = new List<string>();
        if (!Directory.Exists(Folder))
        {
            return deleted;
        }

        foreach (var path in Directory.EnumerateFiles(Folder))
        {
            var name = Path.GetFileName(path);
            if (BackupFileName().Match(name) is not { Success: true } match)
            {
                continue;
            }

            var takenAt = DateTimeOffset.ParseExact(match.Groups["stamp"].Value, StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            if (takenAt < cutoff || match.Groups["partial"].Success)
            {
                File.Delete(path);
                deleted.Add(name);
            }
        }

        return deleted;
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture);

    private static EncryptionContext Context(string table, DateTimeOffset takenAt) =>
        new(BuiltInRoles.PlatformTenantId, "backup", $"{table}@{Stamp(takenAt)}");

    private static Dictionary<string, AttributeValue> ParseLine(ReadOnlyMemory<byte> line)
    {
        using var document = JsonDocument.Parse(line);
        return ItemJson.Read(document.RootElement);
    }

    private static FileStream CreateOwnerOnly(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.Create,
        Access = FileAccess.Write,
        Options = FileOptions.Asynchronous,
        UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
    });

    [GeneratedRegex(@"^(?<table>.+)-(?<stamp>\d{14})(\.backup|\.manifest\.json)(?<partial>\.partial)?$", RegexOptions.CultureInvariant)]
    private static partial Regex BackupFileName();
}
