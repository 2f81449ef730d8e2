using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace OmakaseRobo.Api.Platform.Keys;

/// <summary>AWS KMS: GenerateDataKey (AES_256) and Decrypt under the customer-managed key, bound to the encryption context.</summary>
internal sealed class KmsKeyProvider(IAmazonKeyManagementService kms, string keyId) : IKeyProvider
{
    public async Task<DataKey> GenerateDataKeyAsync(EncryptionContext context, CancellationToken cancellationToken)
    {
        var response = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest
        {
            KeyId = keyId,
            KeySpec = DataKeySpec.AES_256,
            EncryptionContext = context.ToDictionary(),
        }, cancellationToken).ConfigureAwait(false);
        return new DataKey(response.Plaintext.ToArray(), response.CiphertextBlob.ToArray());
    }

    public async Task<byte[]> DecryptDataKeyAsync(byte[] encryptedKey, EncryptionContext context, CancellationToken cancellationToken)
    {
        using var blob = new MemoryStream(encryptedKey);
        var response = await kms.DecryptAsync(new DecryptRequest
        {
            KeyId = keyId,
            CiphertextBlob = blob,
            EncryptionContext = context.ToDictionary(),
        }, cancellationToken).ConfigureAwait(false);
        return response.Plaintext.ToArray();
    }
}
