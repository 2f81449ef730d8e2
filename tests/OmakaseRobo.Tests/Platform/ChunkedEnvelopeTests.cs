using System.Security.Cryptography;
using OmakaseRobo.Api.Platform.Keys;

namespace OmakaseRobo.Tests.Platform;

public sealed class ChunkedEnvelopeTests : IDisposable
{
    private static readonly EncryptionContext Backup = new("platform", "backup", "main@20261126000000");
    private readonly string dir = Path.Combine(Path.GetTempPath(), "omakase-envelope", Guid.NewGuid().ToString("N"));
    private readonly LocalKeyProvider keys;

    public ChunkedEnvelopeTests()
    {
        keys = new LocalKeyProvider(Path.Combine(dir, "master.key"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ChunkedEnvelope.ChunkSize)]
    [InlineData((3 * ChunkedEnvelope.ChunkSize) + 17)]
    public async Task A_stream_of_any_length_comes_back_as_written(int length)
    {
        var plaintext = RandomNumberGenerator.GetBytes(length);

        var sealedBytes = await SealAsync(plaintext, writeSize: 1000);

        Assert.Equal(plaintext, await OpenAsync(sealedBytes, Backup));
    }

    [Fact]
    public async Task It_opens_only_with_the_context_it_was_sealed_for()
    {
        var sealedBytes = await SealAsync(RandomNumberGenerator.GetBytes(100));

        await Assert.ThrowsAnyAsync<CryptographicException>(() => OpenAsync(sealedBytes, Backup with { Subject = "main@20261127000000" }));
    }

    [Fact]
    public async Task A_changed_byte_anywhere_fails_to_open()
    {
        var sealedBytes = await SealAsync(RandomNumberGenerator.GetBytes((2 * ChunkedEnvelope.ChunkSize) + 5));

        foreach (var position in new[] { 0, 5, 80, 120, sealedBytes.Length / 2, sealedBytes.Length - 1 })
        {
            var changed = (byte[])sealedBytes.Clone();
            changed[position] ^= 0x01;
            await Assert.ThrowsAnyAsync<CryptographicException>(() => OpenAsync(changed, Backup));
        }
    }

    [Fact]
    public async Task A_stream_cut_after_a_whole_chunk_or_with_bytes_appended_fails_to_open()
    {
        var sealedBytes = await SealAsync(RandomNumberGenerator.GetBytes((2 * ChunkedEnvelope.ChunkSize) + 5));
        var headerLength = sealedBytes.Length - (3 * 21) - (2 * ChunkedEnvelope.ChunkSize) - 5;
        var afterFirstChunk = headerLength + 21 + ChunkedEnvelope.ChunkSize;

        await Assert.ThrowsAnyAsync<CryptographicException>(() => OpenAsync(sealedBytes[..afterFirstChunk], Backup));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => OpenAsync([.. sealedBytes, 0], Backup));
    }

    [Fact]
    public async Task Chunks_swapped_in_place_fail_to_open()
    {
        var plaintext = RandomNumberGenerator.GetBytes(3 * ChunkedEnvelope.ChunkSize);
        var sealedBytes = await SealAsync(plaintext);
        var chunkLength = 21 + ChunkedEnvelope.ChunkSize;
        var first = sealedBytes.Length - (3 * chunkLength);
        var swapped = (byte[])sealedBytes.Clone();
        sealedBytes.AsSpan(first, chunkLength).CopyTo(swapped.AsSpan(first + chunkLength));
        sealedBytes.AsSpan(first + chunkLength, chunkLength).CopyTo(swapped.AsSpan(first));

        await Assert.ThrowsAnyAsync<CryptographicException>(() => OpenAsync(swapped, Backup));
    }

    public void Dispose()
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private async Task<byte[]> SealAsync(byte[] plaintext, int writeSize = 4096)
    {
        using var output = new MemoryStream();
        using (var writer = await ChunkedEnvelope.CreateAsync(keys, output, Backup, CancellationToken.None))
        {
            for (var offset = 0; offset < plaintext.Length; offset += writeSize)
            {
                await writer.WriteAsync(plaintext.AsMemory(offset, Math.Min(writeSize, plaintext.Length - offset)), CancellationToken.None);
            }

            await writer.CompleteAsync(CancellationToken.None);
        }

        return output.ToArray();
    }

    private async Task<byte[]> OpenAsync(byte[] sealedBytes, EncryptionContext context)
    {
        using var input = new MemoryStream(sealedBytes);
        using var reader = await ChunkedEnvelope.OpenAsync(keys, input, context, CancellationToken.None);
        using var plaintext = new MemoryStream();
        while (await reader.ReadChunkAsync(CancellationToken.None) is { } chunk)
        {
            plaintext.Write(chunk.Span);
        }

        return plaintext.ToArray();
    }
}
