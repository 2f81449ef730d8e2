using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace OmakaseRobo.Api.Platform.Keys;

/// <summary>
/// AWS KMS asymmetric signing (ECC_NIST_P256, ECDSA_SHA_256) over the SHA-256 digest of the message. Verification
/// uses the key's public half (GetPublicKey, cached), so verifying a whole trail costs one KMS call per key, not per checkpoint.
/// </summary>
internal sealed class KmsAuditSigner(IAmazonKeyManagementService kms, string keyId) : IAuditSigner, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ECDsa>>> publicKeys = new(StringComparer.Ordinal);

    public string KeyId => keyId;

    public async Task<byte[]> SignAsync(byte[] message, CancellationToken cancellationToken)
    {
        using var digest = new MemoryStream(SHA256.HashData(message));
        var response = await kms.SignAsync(new SignRequest
        {
            KeyId = keyId,
            Message = digest,
            MessageType = MessageType.DIGEST,
            SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256,
        }, cancellationToken).ConfigureAwait(false);
        return response.Signature.ToArray();
    }

    public async Task<byte[]> PublicKeyAsync(CancellationToken cancellationToken)
    {
        var cached = publicKeys.GetOrAdd(keyId, id => new Lazy<Task<ECDsa>>(() => FetchAsync(id)));
        return (await cached.Value.ConfigureAwait(false)).ExportSubjectPublicKeyInfo();
    }

    public async Task<bool> VerifyAsync(byte[] message, byte[] signature, string keyId, CancellationToken cancellationToken)
    {
        var cached = publicKeys.GetOrAdd(keyId, id => new Lazy<Task<ECDsa>>(() => FetchAsync(id)));
        ECDsa key;
        try
        {
            key = await cached.Value.ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return false; // a key KMS does not know signed nothing of ours
        }
        catch (AmazonKeyManagementServiceException)
        {
            publicKeys.TryRemove(KeyValuePair.Create(keyId, cached)); // a passing failure must not stay cached
            throw;
        }

        return key.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    public void Dispose()
    {
        foreach (var key in publicKeys.Values.Where(k => k.IsValueCreated && k.Value.IsCompletedSuccessfully))
        {
            key.Value.Result.Dispose();
        }
    }

    private async Task<ECDsa> FetchAsync(string id)
    {
        // Not tied to one caller's cancellation: the cached key serves every later verification.
        var response = await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = id }, CancellationToken.None).ConfigureAwait(false);
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(response.PublicKey.ToArray(), out _);
        return key;
    }
}
