using System.Security.Cryptography;
using OmakaseRobo.Api.Features.Auth;
using OmakaseRobo.Api.Features.Backups;
using OmakaseRobo.Api.Features.Incidents;
using OmakaseRobo.Api.Features.Vulnerabilities;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.Keys;
using OtpNet;
using OmakaseRobo.Api.Platform.Credentials;
using OmakaseRobo.Api.Platform.Storage;
using static OmakaseRobo.Api.Features.Compliance.ReportBuilder;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>10.1.1 / 18.1.5 cryptography in use, 12.1.2 stage, 12.3.1 backups, 12.4.4 clock, 12.6.1 findings.</summary>
internal sealed class OperationsChecks(
    OmakaseOptions options, Runtime runtime, IConfiguration configuration, PasswordHasher hasher, EnvelopeCipher cipher, IAuditSigner signer,
    RestoreTestStore restoreTests, VulnerabilityStore findings, TimeProvider clock)
{
    public const string TlsPolicySetting = "Omakase:Compliance:TlsPolicy";
    public static readonly TimeSpan VerificationPeriod = TimeSpan.FromHours(26); // daily, plus the run's own length

    public async Task AddAsync(ReportBuilder report, ComplianceFacts facts, CancellationToken cancellationToken)
    {
        await CryptographyAsync(report, cancellationToken).ConfigureAwait(false);
        Stage(report);
        await BackupsAsync(report, facts.Trail, cancellationToken).ConfigureAwait(false);
        Clock(report);
        await FindingsAsync(report, cancellationToken).ConfigureAwait(false);
    }

    private async Task CryptographyAsync(ReportBuilder report, CancellationToken cancellationToken)
    {
        var probe = RandomNumberGenerator.GetBytes(32);
        var context = new EncryptionContext("platform", "compliance-probe", "report");
        var sealedProbe = await cipher.SealAsync(probe, context, cancellationToken).ConfigureAwait(false);
        var roundTrip = (await cipher.OpenAsync(sealedProbe, context, cancellationToken).ConfigureAwait(false)).AsSpan().SequenceEqual(probe);
        var tls = configuration[TlsPolicySetting];
        var hsts = SecurityHeadersMiddleware.StrictTransportSecurity;
        var result = !roundTrip || !hsts.Contains("max-age=31536000", StringComparison.Ordinal) || hasher.Cost < PasswordHasher.MinimumCost ? CheckResult.Fail
            : runtime.InAws && tls is null ? CheckResult.Attention
            : CheckResult.Pass;
        report.Add("10.1.1", "algorithms-in-use", result, new()
        {
            ["passwords"] = $"bcrypt cost {Number(hasher.Cost)} (SHA-384 pre-hash)",
            ["secretsAtRest"] = $"AES-256-GCM envelope, a fresh data key per secret (probe round trip {(roundTrip ? "ok" : "FAILED")})",
            ["tablesAtRest"] = runtime.InAws ? "DynamoDB encryption with the customer-managed KMS key" : "local files (not applicable)",
            ["dataKey"] = options.Keys.KmsKeyId ?? "local key file (.local/keys/master.key)",
            ["signingKey"] = signer.KeyId,
            ["tlsPolicy"] = tls ?? (runtime.InAws ? "not configured" : "not applicable: local plain http on loopback"),
            ["hsts"] = hsts,
        });
        report.Add("18.1.5", "cryptrec-listed-algorithms", CheckResult.Pass, new()
        {
            ["symmetric"] = "AES-256-GCM",
            ["hash"] = "SHA-256, SHA-384",
            ["signature"] = "ECDSA P-256 with SHA-256 (audit checkpoints, this report)",
            ["mac"] = "HMAC-SHA256 (webhooks); HMAC-SHA1 in TOTP as RFC 6238 requires",
            ["keyManagement"] = runtime.InAws ? "AWS KMS (FIPS 140-3 validated HSMs), keys in " + (runtime.Region ?? "?") : "local key files, mode 0600",
            ["exportRules"] = "standard algorithms only; no product-specific cryptography to declare",
        });
    }

    private void Stage(ReportBuilder report)
    {
        var known = options.Stage is "dev" or "staging" or "prod";
        report.Add("12.1.2", "stage", !runtime.InAws ? CheckResult.NotApplicable : known ? CheckResult.Pass : CheckResult.Fail, new()
        {
            ["stage"] = options.Stage,
            ["function"] = runtime.FunctionName ?? "local process",
            ["stages"] = "dev, staging and prod from one CDK app and one build",
        });
    }

    private async Task BackupsAsync(ReportBuilder report, TrailFacts trail, CancellationToken cancellationToken)
    {
        var verification = trail.Newest(VerifyBackupsJob.AuditAction);
        var result = verification is null || verification.Outcome != "success" || report.Now - verification.At > VerificationPeriod ? CheckResult.Fail : CheckResult.Pass;
        var evidence = new Dictionary<string, string>
        {
            ["lastVerificationAt"] = Time(verification?.At),
            ["outcome"] = verification?.Outcome ?? "none in the retained trail",
            ["eventId"] = verification?.EventId ?? "none",
            ["period"] = $"{VerificationPeriod.TotalHours:0} hours",
        };
        foreach (var (table, state) in verification?.Details ?? new Dictionary<string, string>())
        {
            evidence["table:" + table] = state;
        }

        report.Add("12.3.1", "last-backup-verification", result, evidence);

        var every = options.Backups.RestoreTestEvery + TimeSpan.FromDays(1);
        foreach (var table in BackupsSetup.Tables(options))
        {
            var state = await restoreTests.GetAsync(table, cancellationToken).ConfigureAwait(false);
            var passed = state.LastOutcome == RestoreTestResult.Passed && state.LastTestedAt is { } at && report.Now - at <= every;
            report.Add("12.3.1", "last-restore-test:" + table, passed ? CheckResult.Pass : CheckResult.Fail, new()
            {
                ["table"] = table,
                ["lastTestedAt"] = Time(state.LastTestedAt),
                ["lastOutcome"] = state.LastOutcome ?? "never tested",
                ["lastPassedAt"] = Time(state.LastPassedAt),
                ["period"] = $"{Days(options.Backups.RestoreTestEvery)} days (+1 day)",
                ["pending"] = state.Pending?.ScratchTable ?? "none",
            });
        }
    }

    /// <summary>Live: a code of the current step and of one step either side is accepted, two steps away is not.</summary>
    private void Clock(ReportBuilder report)
    {
        var secret = TotpAuthenticator.NewSecret();
        var totp = new Totp(secret, step: 30, mode: OtpHashMode.Sha1, totpSize: 6);
        var authenticator = new TotpAuthenticator(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        bool Accepted(int steps) => authenticator.MatchingStep(secret, totp.ComputeTotp(now.AddSeconds(30 * steps))) is not null;
        var window = new[] { -1, 0, 1 }.All(Accepted);
        var beyond = new[] { -2, 2 }.Where(Accepted).ToList();
        report.Add("12.4.4", "clock-and-totp-skew", window && beyond.Count == 0 ? CheckResult.Pass : CheckResult.Fail, new()
        {
            ["clockSource"] = clock == TimeProvider.System
                ? (runtime.InAws ? "system clock (UTC), Amazon Time Sync Service in Lambda" : "system clock (UTC)")
                : clock.GetType().Name,
            ["timeZone"] = "UTC everywhere; times stored as UTC",
            ["now"] = Time(clock.GetUtcNow()),
            ["totpSkewWindow"] = window ? "±1 step of 30 s" : "the adjacent steps are not all accepted",
            ["acceptedTwoStepsAway"] = beyond.Count == 0 ? "none" : string.Join(", ", beyond),
        });
    }

    private async Task FindingsAsync(ReportBuilder report, CancellationToken cancellationToken)
    {
        var all = await findings.ListAsync(cancellationToken).ConfigureAwait(false);
        var open = all.Where(v => v.Status == VulnerabilityRecord.Open).ToList();
        var overdue = open.Where(v => v.IsOverdue(report.Now)).ToList();
        var evidence = new Dictionary<string, string>();
        foreach (var severity in Enumerable.Reverse(Severity.All))
        {
            evidence[$"open:{severity}"] = Number(open.Count(v => v.Severity == severity));
            evidence[$"overdue:{severity}"] = Number(overdue.Count(v => v.Severity == severity));
        }

        evidence["overdueIds"] = IdentityChecks.Ids(overdue.Select(v => $"{v.VulnerabilityId} (due {Time(v.DueAt)})"));
        evidence["deadlines"] = "critical 24 h, high 7 days, medium 30 days, low the next maintenance day";
        report.Add("12.6.1", "open-and-overdue-findings", overdue.Count > 0 ? CheckResult.Fail : CheckResult.Pass, evidence);
    }
}
