using System.Security.Cryptography;

namespace OmakaseRobo.Api.Platform.Keys;

/// <summary>AES-256-GCM (CRYPTREC-listed) in one blob: nonce (12) | tag (16) | ciphertext.</summary>
internal static class Aes256Gcm
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Seal(byte[] key, byte[] plaintext, byte[] associatedData)
    {
        var blob = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = blob.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), associatedData);
        return blob;
    }

    /// <summary>Throws <see cref="CryptographicException"/> when the blob, key or associated data do not match.</summary>
    public static byte[] Open(byte[] key, byte[] blob, byte[] associatedData)
    {
        if (blob.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The ciphertext is truncated.");
        }

        var plaintext = new byte[blob.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), plaintext, associatedData);
        return plaintext;
    }
}
