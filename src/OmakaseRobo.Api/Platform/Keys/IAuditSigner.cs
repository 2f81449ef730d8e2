namespace OmakaseRobo.Api.Platform.Keys;

/// <summary>
/// Signs audit checkpoints with an asymmetric key (16.1.7): AWS KMS (ECC_NIST_P256, ECDSA_SHA_256) in AWS, a local
/// ECDSA P-256 key file locally. Signatures are DER-encoded ECDSA over SHA-256 of the message, the same in both.
/// </summary>
internal interface IAuditSigner
{
    /// <summary>Names the key that signs now; stored with each signature so a verifier knows which key to use.</summary>
    string KeyId { get; }

    Task<byte[]> SignAsync(byte[] message, CancellationToken cancellationToken);

    /// <summary>The public half of the key that signs now (SubjectPublicKeyInfo, DER), for verifying offline.</summary>
    Task<byte[]> PublicKeyAsync(CancellationToken cancellationToken);

    /// <summary>False for a wrong signature, an altered message or a key this signer does not know.</summary>
    Task<bool> VerifyAsync(byte[] message, byte[] signature, string keyId, CancellationToken cancellationToken);
}
