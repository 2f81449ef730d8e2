using Amazon;
using Amazon.KeyManagementService;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Platform.Keys;

internal static class KeySetup
{
    public static IServiceCollection AddKeys(this IServiceCollection services, Runtime runtime, OmakaseOptions options)
    {
        if (runtime.InAws)
        {
            var keyId = options.Keys.KmsKeyId
                ?? throw new InvalidOperationException("Omakase:Keys:KmsKeyId must name the customer-managed KMS key in AWS.");
            services.AddSingleton<IAmazonKeyManagementService>(_ => new AmazonKeyManagementServiceClient(
                new AmazonKeyManagementServiceConfig { RegionEndpoint = RegionEndpoint.GetBySystemName(runtime.Region) }.Budgeted(options.Dependencies.Kms))
                .Named(DependencyClients.Kms));
            services.AddSingleton<IKeyProvider>(sp => new KmsKeyProvider(sp.GetRequiredService<IAmazonKeyManagementService>(), keyId));
            // Resolved only by the audit checkpoint and verification code, so functions that never sign need no signing key.
            services.AddSingleton<IAuditSigner>(sp => new KmsAuditSigner(
                sp.GetRequiredService<IAmazonKeyManagementService>(),
                options.Keys.SigningKeyId ?? throw new InvalidOperationException("Omakase:Keys:SigningKeyId must name the ECC_NIST_P256 signing key in AWS.")));
        }
        else
        {
            var keyFile = Path.Combine(LocalPaths.DataDir(options.Local), "keys", "master.key");
            services.AddSingleton<IKeyProvider>(_ => new LocalKeyProvider(keyFile));
            var signingKeyFile = Path.Combine(LocalPaths.DataDir(options.Local), "keys", "audit-signing.key");
            services.AddSingleton<IAuditSigner>(_ => new LocalAuditSigner(signingKeyFile));
        }

        services.AddSingleton<EnvelopeCipher>();
        return services;
    }
}
