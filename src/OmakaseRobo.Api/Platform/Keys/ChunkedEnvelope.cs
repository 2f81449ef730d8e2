using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OmakaseRobo.Api.Platform.Keys;

/// <summary>
/// Envelope encryption of a stream too large to hold in memory (local backups): one fresh data key from the key
/// provider per stream, then AES-256-GCM over chunks of at most <see cref="ChunkSize"/> bytes. A chunk's nonce is its
/// index (never repeated under a fresh key); its associated data is the encryption context, the index and a
/// last-chunk flag, so an altered, reordered, dropped or cut-off chunk fails to open.
/// Layout: "OMKE" | version (1) | length of the encrypted key (2) | encrypted key | chunks, each:
/// length of the ciphertext (4) | last (1) | tag (16) | ciphertext.
/// </summary>
internal static class ChunkedEnvelope
{
    public const int ChunkSize = 64 * 1024;
    internal const int TagSize = 16;
    internal const byte Version = 1;
    internal static readonly byte[] Magic = "OMKE"u8.ToArray();

    public static async Task<ChunkedEnvelopeWriter> CreateAsync(
        IKeyProvider keys, Stream output, EncryptionContext context, CancellationToken cancellationToken)
    {
        var dataKey = await keys.GenerateDataKeyAsync(context, cancellationToken).ConfigureAwait(false);
        try
        {
            var header = new byte[Magic.Length + 3 + dataKey.Encrypted.Length];
            Magic.CopyTo(header, 0);
            header[Magic.Length] = Version;
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(Magic.Length + 1), checked((ushort)dataKey.Encrypted.Length));
            dataKey.Encrypted.CopyTo(header, Magic.Length + 3);
            await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
            return new ChunkedEnvelopeWriter(output, new AesGcm(dataKey.Plaintext, TagSize), context.ToAssociatedData());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey.Plaintext);
        }
    }

    /// <summary>Throws <see cref="CryptographicException"/> when the header is not ours or the data key does not open.</summary>
    public static async Task<ChunkedEnvelopeReader> OpenAsync(
        IKeyProvider keys, Stream input, EncryptionContext context, CancellationToken cancellationToken)
    {
        var start = new byte[Magic.Length + 3];
        await ReadExactlyAsync(input, start, cancellationToken).ConfigureAwait(false);
        if (!start.AsSpan(0, Magic.Length).SequenceEqual(Magic) || start[Magic.Length] != Version)
        {
            throw new CryptographicException("Not a chunked envelope of a known version.");
        }

        var encryptedKey = new byte[BinaryPrimitives.ReadUInt16BigEndian(start.AsSpan(Magic.Length + 1))];
        await ReadExactlyAsync(input, encryptedKey, cancellationToken).ConfigureAwait(false);
        var dataKey = await keys.DecryptDataKeyAsync(encryptedKey, context, cancellationToken).ConfigureAwait(false);
        try
        {
            return new ChunkedEnvelopeReader(input, new AesGcm(dataKey, TagSize), context.ToAssociatedData());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    internal static byte[] Nonce(long index)
    {
        var nonce = new byte[12];
        BinaryPrimitives.WriteInt64BigEndian(nonce.AsSpan(4), index);
        return nonce;
    }

    internal static byte[] AssociatedData(byte[] context, long index, bool last)
    {
        var data = new byte[context.Length + 9];
        context.CopyTo(data, 0);
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(context.Length), index);
        data[^1] = last ? (byte)1 : (byte)0;
        return data;
    }

    /// <summary>A short read is a cut-off file: reported as a cryptographic failure, like any other tampering.</summary>
    internal static async Task ReadExactlyAsync(Stream input, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            await input.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException exception)
        {
            throw new CryptographicException("The envelope is truncated.", exception);
        }
    }
}

/// <summary>Writes plaintext in; sealed chunks go out. <see cref="CompleteAsync"/> seals the last chunk; without it the stream does not open.</summary>
internal sealed class ChunkedEnvelopeWriter : IDisposable
{
    private readonly Stream output;
    private readonly AesGcm aes;
    private readonly byte[] context;
    private readonly byte[] plaintext = new byte[ChunkedEnvelope.ChunkSize];
    private readonly byte[] sealedChunk = new byte[5 + ChunkedEnvelope.TagSize + ChunkedEnvelope.ChunkSize];
    private int filled;
    private long index;
    private bool completed;

    internal ChunkedEnvelopeWriter(Stream output, AesGcm aes, byte[] context)
    {
        this.output = output;
        this.aes = aes;
        this.context = context;
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        while (data.Length > 0)
        {
            // A full chunk is sealed only once more data arrives, so the last chunk is always the one CompleteAsync seals.
            if (filled == plaintext.Length)
            {
                await SealChunkAsync(last: false, cancellationToken).ConfigureAwait(false);
            }

            var take = Math.Min(data.Length, plaintext.Length - filled);
            data.Span[..take].CopyTo(plaintext.AsSpan(filled));
            filled += take;
            data = data[take..];
        }
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        await SealChunkAsync(last: true, cancellationToken).ConfigureAwait(false);
        completed = true;
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(plaintext);
        aes.Dispose();
    }

    private void ThrowIfCompleted()
    {
        if (completed)
        {
            throw new InvalidOperationException("The envelope is complete: nothing more can be written.");
        }
    }

    private async Task SealChunkAsync(bool last, CancellationToken cancellationToken)
    {
        BinaryPrimitives.WriteInt32BigEndian(sealedChunk, filled);
        sealedChunk[4] = last ? (byte)1 : (byte)0;
        aes.Encrypt(
            ChunkedEnvelope.Nonce(index),
            plaintext.AsSpan(0, filled),
            sealedChunk.AsSpan(5 + ChunkedEnvelope.TagSize, filled),
            sealedChunk.AsSpan(5, ChunkedEnvelope.TagSize),
            ChunkedEnvelope.AssociatedData(context, index, last));
        await output.WriteAsync(sealedChunk.AsMemory(0, 5 + ChunkedEnvelope.TagSize + filled), cancellationToken).ConfigureAwait(false);
        index++;
        filled = 0;
    }
}

/// <summary>
/// Reads the plaintext back one chunk at a time. Throws <see cref="CryptographicException"/> on any chunk that does
/// not open, on a stream that ends before its last chunk, and on bytes after it.
/// </summary>
internal sealed class ChunkedEnvelopeReader : IDisposable
{
    private readonly Stream input;
    private readonly AesGcm aes;
    private readonly byte[] context;
    private readonly byte[] head = new byte[5 + ChunkedEnvelope.TagSize];
    private readonly byte[] ciphertext = new byte[ChunkedEnvelope.ChunkSize];
    private readonly byte[] plaintext = new byte[ChunkedEnvelope.ChunkSize];
    private long index;
    private bool done;

    internal ChunkedEnvelopeReader(Stream input, AesGcm aes, byte[] context)
    {
        this.input = input;
        this.aes = aes;
        this.context = context;
    }

    /// <summary>The next chunk of plaintext (valid until the next call), or null after the last chunk.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadChunkAsync(CancellationToken cancellationToken)
    {
        if (done)
        {
            return null;
        }

        await ChunkedEnvelope.ReadExactlyAsync(input, head, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(head);
        var last = head[4] switch
        {
            0 => false,
            1 => true,
            _ => throw new CryptographicException("A chunk header is corrupt."),
        };
        if (length is < 0 or > ChunkedEnvelope.ChunkSize)
        {
            throw new CryptographicException("A chunk header is corrupt.");
        }

        var sealedPart = ciphertext.AsMemory(0, length);
        try
        {
            await input.ReadExactlyAsync(sealedPart, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException exception)
        {
            throw new CryptographicException("The envelope is truncated.", exception);
        }

        aes.Decrypt(
            ChunkedEnvelope.Nonce(index),
            sealedPart.Span,
            head.AsSpan(5, ChunkedEnvelope.TagSize),
            plaintext.AsSpan(0, length),
            ChunkedEnvelope.AssociatedData(context, index, last));
        index++;
        if (last)
        {
            done = true;
            if (await input.ReadAsync(head.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) != 0)
            {
                throw new CryptographicException("Data follows the last chunk.");
            }
        }

        return plaintext.AsMemory(0, length);
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(plaintext);
        aes.Dispose();
    }
}
