using System.Security.Cryptography;

namespace OmakaseRobo.Api.Platform.Keys;

/// <summary>
/// Local stand-in for KMS with the same contract: a 256-bit master key in a file only its owner can read
/// (mode 0600, git-ignored) wraps each data key with AES-256-GCM, the encryption context as associated data.
/// </summary>
internal sealed class LocalKeyProvider : IKeyProvider
{
    private readonly byte[] masterKey;

    public LocalKeyProvider(string keyFile)
    {
        masterKey = LoadOrCreate(keyFile);
    }

    public Task<DataKey> GenerateDataKeyAsync(EncryptionContext context, CancellationToken cancellationToken)
    {
        var plaintext = RandomNumberGenerator.GetBytes(32);
        return Task.FromResult(new DataKey(plaintext, Aes256Gcm.Seal(masterKey, plaintext, context.ToAssociatedData())));
    }

    public Task<byte[]> DecryptDataKeyAsync(byte[] encryptedKey, EncryptionContext context, CancellationToken cancellationToken)
    {
        return Task.FromResult(Aes256Gcm.Open(masterKey, encryptedKey, context.ToAssociatedData()));
    }

    private static byte[] LoadOrCreate(string keyFile)
    {
        if (File.Exists(keyFile))
        {
            var existing = Convert.FromBase64String(File.ReadAllText(keyFile).Trim());
            return existing.Length == 32 ? existing : throw new CryptographicException($"The key file {keyFile} does not hold a 256-bit key.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyFile))!);
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            using var stream = new FileStream(keyFile, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            using var writer = new StreamWriter(stream);
            writer.Write(Convert.ToBase64String(key));
            return key;
        }
        catch (IOException) when (File.Exists(keyFile))
        {
            return LoadOrCreate(keyFile); // another process created it first: use theirs
        }
    }
}
