namespace OmakaseRobo.Api.Platform.Hosting;

/// <summary>Everything under the <c>Omakase</c> configuration section.</summary>
internal sealed class OmakaseOptions
{
    public const string Section = "Omakase";

    /// <summary>Which modules this process serves: all, auth, admin, incidents or jobs.</summary>
    public string Function { get; set; } = "all";

    /// <summary>dev, staging or prod in AWS; local on a workstation.</summary>
    public string Stage { get; set; } = "local";

    public TableOptions Tables { get; set; } = new();

    public KeyOptions Keys { get; set; } = new();

    public LocalOptions Local { get; set; } = new();

    public BootstrapOptions Bootstrap { get; set; } = new();

    public SecurityOptions Security { get; set; } = new();

    public BackupOptions Backups { get; set; } = new();

    public IncidentOptions Incidents { get; set; } = new();

    public WebhookOptions Webhooks { get; set; } = new();

    public VulnerabilityOptions Vulnerabilities { get; set; } = new();

    public PurgeOptions Purge { get; set; } = new();

    public DependencyOptions Dependencies { get; set; } = new();

    /// <summary>CLD.8.1.5: how long a terminated tenant's data is kept before the deletion job removes it.</summary>
    public TimeSpan TerminationGracePeriod { get; set; } = TimeSpan.FromDays(30);
}

internal sealed class IncidentOptions
{
    /// <summary>An incident without an initial notice this long after detection is flagged (16.1.1 "promptly").</summary>
    public TimeSpan InitialNoticeDeadline { get; set; } = TimeSpan.FromHours(24);
}

internal sealed class WebhookOptions
{
    /// <summary>Local mode only (tests): allow plain http to loopback receivers. Ignored in AWS.</summary>
    public bool AllowLoopbackHttp { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a notice call attempts its deliveries (all at once) before answering; the rest stay pending.</summary>
    public TimeSpan InlineBudget { get; set; } = TimeSpan.FromMilliseconds(500);
}

internal sealed class VulnerabilityOptions
{
    public TimeSpan CriticalDue { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan HighDue { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan MediumDue { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Low findings are due at the next maintenance window: this day of the month, 00:00 UTC.</summary>
    public int MaintenanceDayOfMonth { get; set; } = 1;
}

internal sealed class TableOptions
{
    public string Main { get; set; } = "omakase-main";

    public string Audit { get; set; } = "omakase-audit";
}

internal sealed class KeyOptions
{
    /// <summary>ARN of the symmetric customer-managed KMS key (AWS only).</summary>
    public string? KmsKeyId { get; set; }

    /// <summary>ARN of the ECC_NIST_P256 signing key for audit checkpoints (AWS only).</summary>
    public string? SigningKeyId { get; set; }
}

internal sealed class LocalOptions
{
    /// <summary>Folder for the DynamoDB Local jar; defaults to .cache/ at the repository root.</summary>
    public string? CacheDir { get; set; }

    /// <summary>Folder for local data (DynamoDB files, key files); defaults to .local/ at the repository root.</summary>
    public string? DataDir { get; set; }

    /// <summary>Keep DynamoDB Local in memory instead of on disk.</summary>
    public bool InMemory { get; set; }

    /// <summary>Turn on DynamoDB TTL for the local tables (the tests turn it off: they run on a fake clock).</summary>
    public bool TimeToLive { get; set; } = true;
}

internal sealed class BootstrapOptions
{
    public string? OperatorEmail { get; set; }

    public string? OperatorPassword { get; set; }

    /// <summary>In AWS: the name of the SSM SecureString holding the first password.</summary>
    public string? OperatorPasswordParameter { get; set; }
}

internal sealed class SecurityOptions
{
    /// <summary>bcrypt work factor; never below 10.</summary>
    public int BcryptCost { get; set; } = 12;

    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan SessionAbsoluteTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long a temporary password (a new user's, an operator's reset) signs in; after it, the same 401 as a wrong one.</summary>
    public TimeSpan TemporaryPasswordLifetime { get; set; } = TimeSpan.FromHours(72);
}

/// <summary>18.1.3: how the purge-records job reads and how long one run may take.</summary>
internal sealed class PurgeOptions
{
    /// <summary>Items read per Query page (then deleted 25 at a time): what the job holds in memory, whatever the volume.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>BatchWriteItem requests in flight at once while deleting a page (1: one after another).</summary>
    public int DeleteConcurrency { get; set; } = 4;

    /// <summary>The first run (no cursor yet) looks this far back for anything expired.</summary>
    public TimeSpan FirstRunLookBack { get; set; } = TimeSpan.FromDays(400);

    /// <summary>A run stops at a clean point after this long, below the jobs function's 15-minute timeout; the next run resumes.</summary>
    public TimeSpan TimeBudget { get; set; } = TimeSpan.FromMinutes(12);
}

/// <summary>12.3.1: what the verify-backups job checks and where the restore test puts its scratch tables.</summary>
internal sealed class BackupOptions
{
    /// <summary>The AWS Backup vault of the daily plan (AWS only; named in the report, the job reads backups through DynamoDB).</summary>
    public string? VaultName { get; set; }

    /// <summary>Restore tests create <c>{prefix}{table}-{yyyyMMddHHmmss}</c>; in AWS the jobs role may only touch tables with this prefix.</summary>
    public string RestoreTablePrefix { get; set; } = "restore-test-";

    /// <summary>How often a backup is actually restored into a scratch table; the other checks run on every run.</summary>
    public TimeSpan RestoreTestEvery { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long backups are kept; an older one is a failed verification (and, locally, deleted by the job).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Local mode: the folder of the encrypted backup files; defaults to backups/ in the local data folder.</summary>
    public string? LocalDir { get; set; }
}
