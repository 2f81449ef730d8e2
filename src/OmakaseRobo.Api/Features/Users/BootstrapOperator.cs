using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Credentials;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>
/// The first start on an empty store creates the platform tenant and one operator holding every platform role.
/// Resumable: a start that finds the tenant without users creates the operator. The operator must change the
/// password at first sign-in, and enrol MFA, like every platform user.
/// </summary>
internal sealed partial class BootstrapOperator(
    TenantStore tenants, UserStore users, PasswordHasher hasher, IAuditTrail audit, OmakaseOptions options, Runtime runtime, OperatorPasswordSource passwords,
    TimeProvider clock, ILogger<BootstrapOperator> logger) : IHostedService
{
    public const string LocalDefaultEmail = "operator@omakase.local";

    /// <summary>
    /// Locally the first start waits for it (the README's walk-through needs the printed password). In AWS the jobs
    /// function does it in the background: a storage fault delays the bootstrap to the next start, never the start itself.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!runtime.InAws)
        {
            return BootstrapAsync(cancellationToken);
        }

        if (!string.IsNullOrEmpty(options.Bootstrap.OperatorEmail))
        {
            _ = Task.Run(BootstrapInBackgroundAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    private async Task BootstrapInBackgroundAsync()
    {
        try
        {
            await BootstrapAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Amazon.Runtime.AmazonServiceException exception)
        {
            LogFailed(logger, exception);
        }
        catch (Amazon.Runtime.AmazonClientException exception)
        {
            LogFailed(logger, exception);
        }
    }

    private async Task BootstrapAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (await tenants.GetAsync(BuiltInRoles.PlatformTenantId, cancellationToken).ConfigureAwait(false) is null)
        {
            // False when another instance created it first: nothing to do then.
            await tenants.CreateAsync(
                new TenantRecord(BuiltInRoles.PlatformTenantId, "TechHub platform", 0, true, 0, TenantRecord.Active, now, new Dictionary<string, List<string>>()),
                record: null, cancellationToken).ConfigureAwait(false);
        }

        if ((await users.ListAsync(BuiltInRoles.PlatformTenantId, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            return;
        }

        var email = options.Bootstrap.OperatorEmail ?? (runtime.InAws ? null : LocalDefaultEmail);
        var password = await passwords.GetAsync(cancellationToken).ConfigureAwait(false);
        if (email is null || (password is null && runtime.InAws))
        {
            LogNotConfigured(logger);
            await audit.WriteAsync(new AuditEvent(
                AuditCategory.System, BuiltInRoles.PlatformTenantId, null, "bootstrap.not-configured", null, "failure", null, null), cancellationToken).ConfigureAwait(false);
            return;
        }

        var generated = password is null;
        password ??= UsersService.TemporaryPassword(email);
        var user = new UserRecord(
            BuiltInRoles.PlatformTenantId, Ids.New("u"), Validate.NormalizeEmail(email), "Bootstrap operator",
            [BuiltInRoles.Operator, BuiltInRoles.SecurityOfficer, BuiltInRoles.Auditor], UserRecord.Active, hasher.Hash(password),
            PasswordChangeRequired: true, MfaEnabled: false, null, null, null, [], UserStore.NewStamp(), 0, null, now, null);
        var record = audit.Stage(new AuditEvent(AuditCategory.System, BuiltInRoles.PlatformTenantId, null, "bootstrap.operator", user.UserId, "success", null, null));
        if (!(await users.CreateAsync(user, new Dictionary<string, List<string>>(), record, cancellationToken).ConfigureAwait(false)).Succeeded)
        {
            return; // another instance bootstrapped at the same time
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        LogCreated(logger, user.UserId);
        if (generated)
        {
            // Printed once, to the local console only, never through the logger (no secret in a log line).
            await Console.Error.WriteLineAsync(
                $"Bootstrap operator: tenantId={BuiltInRoles.PlatformTenantId} email={user.Email} password={password} (change it at first sign-in)").ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error, Message = "Bootstrap operator not created: set Omakase:Bootstrap:OperatorEmail and Omakase:Bootstrap:OperatorPassword or OperatorPasswordParameter")]
    private static partial void LogNotConfigured(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bootstrap of the platform operator failed; the next start of the jobs function tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap operator created: {UserId}")]
    private static partial void LogCreated(ILogger logger, string userId);
}
