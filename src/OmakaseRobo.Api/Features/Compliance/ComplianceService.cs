using System.Globalization;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Text;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>18.2.1 evidence: the report of every guideline item with its live checks, signed; attestations; the stored monthly reports.</summary>
internal sealed class ComplianceService(
    TenantStore tenants, UserStore users, TrailReader trail, IdentityChecks identity, DataChecks data, OperationsChecks operations,
    IncidentChecks incidents, OrganisationalChecks organisational, ReportSigning signing, ComplianceStore store, IAuditTrail audit,
    OmakaseOptions options, Runtime runtime, TimeProvider clock)
{
    public const int MaxSummary = 500;
    public const int MaxReference = 300;
    private static readonly TimeSpan MaxAttestationAge = TimeSpan.FromDays(2 * 365);
    private static readonly TimeSpan AllowedClockAhead = TimeSpan.FromMinutes(5);

    /// <summary>Runs every check against the live state and signs the result.</summary>
    public async Task<SignedReport> ReportAsync(string? reportId, CancellationToken cancellationToken)
    {
        var builder = new ReportBuilder(clock);
        var allTenants = await tenants.ListAsync(cancellationToken).ConfigureAwait(false);
        var byTenant = new Dictionary<string, List<UserRecord>>(StringComparer.Ordinal);
        foreach (var tenant in allTenants)
        {
            byTenant[tenant.TenantId] = await users.ListAsync(tenant.TenantId, cancellationToken).ConfigureAwait(false);
        }

        var tenantIds = allTenants.Select(t => t.TenantId).Prepend(BuiltInRoles.PlatformTenantId).Distinct(StringComparer.Ordinal);
        var facts = new ComplianceFacts(allTenants, byTenant, await trail.ReadAsync(tenantIds, cancellationToken).ConfigureAwait(false));
        await data.AddAsync(builder, facts, cancellationToken).ConfigureAwait(false);
        await identity.AddAsync(builder, facts, cancellationToken).ConfigureAwait(false);
        await operations.AddAsync(builder, facts, cancellationToken).ConfigureAwait(false);
        await incidents.AddAsync(builder, facts, cancellationToken).ConfigureAwait(false);
        await organisational.AddAsync(builder, cancellationToken).ConfigureAwait(false);
        ServiceChecks.Add(builder, facts);
        var report = builder.Build(reportId, options.Stage, runtime.Region ?? "local");
        return await signing.SignAsync(report, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the monthly job does: a report with an id, stored exactly as signed, and audited.</summary>
    public async Task<SignedReport> StoreReportAsync(CancellationToken cancellationToken)
    {
        var signed = await ReportAsync(Ids.New("cr"), cancellationToken).ConfigureAwait(false);
        await store.AddReportAsync(signed, cancellationToken).ConfigureAwait(false);
        var summary = signed.Report.Summary;
        await audit.WriteAsync(new AuditEvent(
            AuditCategory.System, BuiltInRoles.PlatformTenantId, null, "compliance.report", signed.Report.ReportId, "success", null, null,
            new Dictionary<string, string>
            {
                ["keyId"] = signed.Report.Signature!.KeyId,
                ["pass"] = summary.Pass.ToString(CultureInfo.InvariantCulture),
                ["fail"] = summary.Fail.ToString(CultureInfo.InvariantCulture),
                ["attention"] = summary.Attention.ToString(CultureInfo.InvariantCulture),
                ["attested"] = summary.Attested.ToString(CultureInfo.InvariantCulture),
            }), cancellationToken).ConfigureAwait(false);
        return signed;
    }

    public async Task<Outcome<AttestationView>> AttestAsync(AttestationRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var period = request.Item is null ? null : Guideline.AttestationPeriodOf(request.Item);
        var parsed = IsoTime.Parse(request.PerformedAt);
        var performedAt = parsed.GetValueOrDefault();
        var errors = Validate.Fields(
            ("item", Validate.Required(request.Item, 16) ?? (period is null ? FieldMessages.UnknownValue : null)),
            ("summary", Validate.Required(request.Summary, MaxSummary)),
            ("reference", request.Reference is null ? null : Validate.Required(request.Reference, MaxReference)),
            ("performedAt", Validate.Required(request.PerformedAt, 40)
                ?? (parsed is null ? FieldMessages.InvalidFormat
                : performedAt > now + AllowedClockAhead || performedAt < now - MaxAttestationAge ? "out-of-range"
                : null)));
        if (errors is not null)
        {
            return new Failure.Invalid(errors);
        }

        var attestation = new AttestationView(
            Ids.New("at"), request.Item!, request.Summary!.Trim(), request.Reference?.Trim(), performedAt, now, caller.UserId, performedAt + period!.Value);
        var record = audit.Stage(new AuditEvent(
            AuditCategory.Operation, BuiltInRoles.PlatformTenantId, caller.UserId, "compliance.attest", attestation.AttestationId, "success", caller.SourceIp, caller.UserAgent,
            new Dictionary<string, string>
            {
                ["item"] = attestation.Item,
                ["summary"] = attestation.Summary,
                ["performedAt"] = ReportBuilder.Time(attestation.PerformedAt),
                ["reference"] = attestation.Reference ?? string.Empty,
            }));
        await store.AddAttestationAsync(attestation, record, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return attestation;
    }

    public Task<List<StoredReportSummary>> ListReportsAsync(CancellationToken cancellationToken) => store.ListReportsAsync(cancellationToken);

    public Task<string?> StoredReportAsync(string reportId, CancellationToken cancellationToken) => store.GetReportJsonAsync(reportId, cancellationToken);

    public Task<SigningKeyView> SigningKeyAsync(CancellationToken cancellationToken) => signing.PublicKeyAsync(cancellationToken);
}
