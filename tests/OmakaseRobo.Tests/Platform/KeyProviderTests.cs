using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using OmakaseRobo.Api.Platform.Keys;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Platform;

public sealed class KeyProviderTests : IDisposable
{
    private static readonly EncryptionContext Seed = new("t_tenant", "totp-seed", "u_user");
    private readonly string dir = Path.Combine(Path.GetTempPath(), "omakase-keys", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_sealed_secret_opens_with_its_context_only()
    {
        var cipher = new EnvelopeCipher(new LocalKeyProvider(Path.Combine(dir, "master.key")));
        var secret = RandomNumberGenerator.GetBytes(20);

        var sealedSecret = await cipher.SealAsync(secret, Seed, CancellationToken.None);

        Assert.Equal(secret, await cipher.OpenAsync(sealedSecret, Seed, CancellationToken.None));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.OpenAsync(sealedSecret, Seed with { Subject = "u_other" }, CancellationToken.None));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.OpenAsync(sealedSecret, Seed with { TenantId = "t_other" }, CancellationToken.None));
    }

    [Fact]
    public async Task Tampered_ciphertext_fails_loudly()
    {
        var cipher = new EnvelopeCipher(new LocalKeyProvider(Path.Combine(dir, "master.key")));
        var blob = Convert.FromBase64String(await cipher.SealAsync(Encoding.UTF8.GetBytes("webhook secret"), Seed, CancellationToken.None));
        blob[^1] ^= 0x01;

        await Assert.ThrowsAnyAsync<CryptographicException>(() => cipher.OpenAsync(Convert.ToBase64String(blob), Seed, CancellationToken.None));
    }

    [Fact]
    public void The_local_key_file_is_readable_by_its_owner_only_and_reused()
    {
        var file = Path.Combine(dir, "master.key");
        _ = new LocalKeyProvider(file);
        var first = File.ReadAllText(file);
        _ = new LocalKeyProvider(file);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(first, File.ReadAllText(file));
        Assert.Equal(32, Convert.FromBase64String(first).Length);
    }

    [Fact]
    public async Task Kms_provider_sends_generate_data_key_and_decrypt_with_the_key_and_context()
    {
        var plaintextKey = RandomNumberGenerator.GetBytes(32);
        var encryptedKey = Encoding.UTF8.GetBytes("encrypted-data-key-blob");
        var handler = new RecordingAwsService((target, _) => target.EndsWith("GenerateDataKey", StringComparison.Ordinal)
            ? new Dictionary<string, string> { ["CiphertextBlob"] = Convert.ToBase64String(encryptedKey), ["Plaintext"] = Convert.ToBase64String(plaintextKey), ["KeyId"] = "k" }
            : new Dictionary<string, string> { ["Plaintext"] = Convert.ToBase64String(plaintextKey), ["KeyId"] = "k" });
        using var kms = new AmazonKeyManagementServiceClient(new BasicAWSCredentials("a", "b"), new AmazonKeyManagementServiceConfig
        {
            RegionEndpoint = Amazon.RegionEndpoint.APNortheast1,
            HttpClientFactory = handler.Factory,
        });
        var cipher = new EnvelopeCipher(new KmsKeyProvider(kms, "arn:aws:kms:ap-northeast-1:111122223333:key/abc"));

        var sealedSecret = await cipher.SealAsync(Encoding.UTF8.GetBytes("seed"), Seed, CancellationToken.None);
        var opened = await cipher.OpenAsync(sealedSecret, Seed, CancellationToken.None);

        Assert.Equal("seed", Encoding.UTF8.GetString(opened));
        Assert.Equal(["TrentService.GenerateDataKey", "TrentService.Decrypt"], handler.Targets);
        var generate = handler.Bodies[0];
        Assert.Equal("arn:aws:kms:ap-northeast-1:111122223333:key/abc", generate.GetProperty("KeyId").GetString());
        Assert.Equal("AES_256", generate.GetProperty("KeySpec").GetString());
        Assert.Equal("totp-seed", generate.GetProperty("EncryptionContext").GetProperty("purpose").GetString());
        var decrypt = handler.Bodies[1];
        Assert.Equal("u_user", decrypt.GetProperty("EncryptionContext").GetProperty("subject").GetString());
        Assert.Equal(Convert.ToBase64String(encryptedKey), decrypt.GetProperty("CiphertextBlob").GetString());
        Assert.Equal("kms.ap-northeast-1.amazonaws.com", handler.Hosts.Distinct().Single());
    }

    public void Dispose()
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
