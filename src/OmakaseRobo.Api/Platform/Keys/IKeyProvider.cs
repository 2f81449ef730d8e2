namespace OmakaseRobo.Api.Platform.Keys;

/// <summary>
/// The key-encryption side of envelope encryption: AWS KMS in AWS, a local AES-256 key file locally.
/// Every data key is bound to an encryption context; the wrong context fails to decrypt.
/// </summary>
internal interface IKeyProvider
{
    Task<DataKey> GenerateDataKeyAsync(EncryptionContext context, CancellationToken cancellationToken);

    Task<byte[]> DecryptDataKeyAsync(byte[] encryptedKey, EncryptionContext context, CancellationToken cancellationToken);
}

/// <summary>A fresh 256-bit data key, in clear for use now and encrypted for storage.</summary>
internal sealed record DataKey(byte[] Plaintext, byte[] Encrypted);

/// <summary>What a secret belongs to: its tenant, its purpose (totp-seed, webhook-secret ...) and its subject.</summary>
internal sealed record EncryptionContext(string TenantId, string Purpose, string Subject)
{
    public Dictionary<string, string> ToDictionary() => new(StringComparer.Ordinal)
    {
        ["tenantId"] = TenantId,
        ["purpose"] = Purpose,
        ["subject"] = Subject,
    };

    /// <summary>A canonical byte form, used as AES-GCM associated data.</summary>
    public byte[] ToAssociatedData() =>
        System.Text.Encoding.UTF8.GetBytes($"tenantId={TenantId}\npurpose={Purpose}\nsubject={Subject}");
}
