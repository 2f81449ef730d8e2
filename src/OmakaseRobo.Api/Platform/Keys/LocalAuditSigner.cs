using System.Security.Cryptography;

namespace OmakaseRobo.Api.Platform.Keys;

/// <summary>
/// Local stand-in for the KMS signing key: an ECDSA P-256 private key (PKCS#8) in a file only its owner can read
/// (mode 0600, git-ignored). Its key id is derived from the public key, so a new key file never verifies old signatures.
/// </summary>
internal sealed class LocalAuditSigner : IAuditSigner, IDisposable
{
    private readonly ECDsa key;

    public LocalAuditSigner(string keyFile)
    {
        key = LoadOrCreate(keyFile);
        KeyId = "local:" + Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
    }

    public string KeyId { get; }

    public Task<byte[]> SignAsync(byte[] message, CancellationToken cancellationToken) =>
        Task.FromResult(key.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    public Task<byte[]> PublicKeyAsync(CancellationToken cancellationToken) => Task.FromResult(key.ExportSubjectPublicKeyInfo());

    public Task<bool> VerifyAsync(byte[] message, byte[] signature, string keyId, CancellationToken cancellationToken) =>
        Task.FromResult(keyId == KeyId && key.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    public void Dispose() => key.Dispose();

    private static ECDsa LoadOrCreate(string keyFile)
    {
        var key = ECDsa.Create();
        if (File.Exists(keyFile))
        {
            key.ImportPkcs8PrivateKey(Convert.FromBase64String(File.ReadAllText(keyFile).Trim()), out _);
            return key.KeySize == 256 ? key : throw new CryptographicException($"The key file {keyFile} does not hold a P-256 key.");
        }

        key.GenerateKey(ECCurve.NamedCurves.nistP256);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyFile))!);
        try
        {
            using var stream = new FileStream(keyFile, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            using var writer = new StreamWriter(stream);
            writer.Write(Convert.ToBase64String(key.ExportPkcs8PrivateKey()));
            return key;
        }
        catch (IOException) when (File.Exists(keyFile))
        {
            key.Dispose();
            return LoadOrCreate(keyFile); // another process created it first: use theirs
        }
    }
}
