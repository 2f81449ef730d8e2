using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OmakaseRobo.Api.Platform.Keys;

/// <summary>
/// Envelope encryption of small secrets (TOTP seeds, webhook secrets): a fresh data key per secret from the
/// key provider, AES-256-GCM over the secret with the encryption context as associated data. The stored
/// form is base64 of: version (1) | length of the encrypted key (2) | encrypted key | AES-GCM blob.
/// </summary>
internal sealed class EnvelopeCipher(IKeyProvider keys)
{
    private const byte Version = 1;

    public async Task<string> SealAsync(byte[] secret, EncryptionContext context, CancellationToken cancellationToken)
    {
        var dataKey = await keys.GenerateDataKeyAsync(context, cancellationToken).ConfigureAwait(false);
        try
        {
            var sealedSecret = Aes256Gcm.Seal(dataKey.Plaintext, secret, context.ToAssociatedData());
            var blob = new byte[3 + dataKey.Encrypted.Length + sealedSecret.Length];
            blob[0] = Version;
            BinaryPrimitives.WriteUInt16BigEndian(blob.AsSpan(1), checked((ushort)dataKey.Encrypted.Length));
            dataKey.Encrypted.CopyTo(blob, 3);
            sealedSecret.CopyTo(blob, 3 + dataKey.Encrypted.Length);
            return Convert.ToBase64String(blob);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey.Plaintext);
        }
    }

    /// <summary>Throws <see cref="CryptographicException"/> on a tampered blob or a context it was not sealed for.</summary>
    public async Task<byte[]> OpenAsync(string sealedSecret, EncryptionContext context, CancellationToken cancellationToken)
    {
        var blob = Convert.FromBase64String(sealedSecret);
        if (blob.Length < 3 || blob[0] != Version)
        {
            throw new CryptographicException("Unknown envelope version.");
        }

        var keyLength = BinaryPrimitives.ReadUInt16BigEndian(blob.AsSpan(1));
        if (blob.Length < 3 + keyLength)
        {
            throw new CryptographicException("The envelope is truncated.");
        }

        var dataKey = await keys.DecryptDataKeyAsync(blob[3..(3 + keyLength)], context, cancellationToken).ConfigureAwait(false);
        try
        {
            return Aes256Gcm.Open(dataKey, blob[(3 + keyLength)..], context.ToAssociatedData());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }
}
