using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Features.Backups;

/// <summary>The verify-backups job and what it needs; registered by the functions that serve the jobs module.</summary>
internal static class BackupsSetup
{
    public static IServiceCollection AddBackups(this IServiceCollection services, Runtime runtime, OmakaseOptions options)
    {
        services.AddSingleton<BackupCanary>();
        services.AddSingleton<RestoreTestStore>();
        if (runtime.InAws)
        {
            services.AddSingleton<AwsRestoreTest>();
            services.AddSingleton<IBackupVerifier, AwsBackupVerifier>();
        }
        else
        {
            services.AddSingleton<LocalBackupFiles>();
            services.AddSingleton<LocalBackups>();
            services.AddSingleton<LocalRestoreTest>();
            services.AddSingleton<IBackupVerifier, LocalBackupVerifier>();
        }

        services.AddSingleton<VerifyBackupsJob>();
        return services;
    }

    /// <summary>The tables whose backups are verified: every table of the service.</summary>
    public static IReadOnlyList<string> Tables(OmakaseOptions options)
    {
        return [options.Tables.Main, options.Tables.Audit];
    }
}
