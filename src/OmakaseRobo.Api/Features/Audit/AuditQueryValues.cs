using System.Globalization;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Text;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>Parsing of the audit queries' values: ISO 8601 times (<see cref="IsoTime"/>) and bounded numbers.</summary>
internal static class AuditQueryValues
{
    /// <summary>The listing the query asks for, or its field errors.</summary>
    public static (AuditListing? Listing, Dictionary<string, string[]>? Errors) Listing(AuditEventsQuery query, DateTimeOffset now)
    {
        var from = query.From is null ? now - AuditChain.Retention - TimeSpan.FromDays(1) : IsoTime.Parse(query.From);
        var to = query.To is null ? null : IsoTime.Parse(query.To);
        var isNumber = query.Limit is { Length: > 0 } text && text.All(char.IsAsciiDigit);
        var limit = query.Limit is null ? AuditListing.DefaultLimit
            : int.TryParse(query.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= AuditListing.MaxLimit ? n : (int?)null;
        var errors = Validate.Fields(
            ("category", query.Category is null || AuditCategory.All.Contains(query.Category) ? null : FieldMessages.UnknownValue),
            ("from", from is null ? FieldMessages.InvalidFormat : from > now ? "out-of-range" : null),
            ("to", query.To is not null && to is null ? FieldMessages.InvalidFormat : from is not null && to <= from ? "range-invalid" : null),
            ("limit", limit is not null ? null : isNumber ? "out-of-range" : FieldMessages.InvalidFormat),
            ("cursor", query.Cursor is { Length: 0 or > AuditCursor.MaxLength } ? FieldMessages.InvalidFormat : null));
        if (errors is not null)
        {
            return (null, errors);
        }

        var binding = $"category={query.Category ?? "*"};from={query.From ?? "*"};to={query.To ?? "*"}";
        return (new AuditListing(query.Category, from!.Value, to, limit!.Value, query.Cursor) { Binding = binding }, null);
    }

    /// <summary>Without a tenant the verifier reads a day index per day, so the days it may be asked to cover are bounded.</summary>
    public static readonly TimeSpan MaxVerificationSpan = TimeSpan.FromDays(366);

    /// <summary>The verification scope the query asks for, or its field errors.</summary>
    public static (string? TenantId, DateTimeOffset? From, DateTimeOffset? To, Dictionary<string, string[]>? Errors) Verification(
        AuditVerificationQuery query, DateTimeOffset now)
    {
        var from = IsoTime.Parse(query.From);
        var to = IsoTime.Parse(query.To);
        var tooLong = query.TenantId is null && from is not null && (to ?? now) - from > MaxVerificationSpan;
        var errors = Validate.Fields(
            ("tenantId", query.TenantId is null || Ids.IsWellFormed(query.TenantId) ? null : FieldMessages.InvalidFormat),
            ("from", query.From is not null && from is null ? FieldMessages.InvalidFormat : tooLong || from > now ? "out-of-range" : null),
            ("to", query.To is not null && to is null ? FieldMessages.InvalidFormat : from is not null && to is not null && to < from ? "range-invalid" : null));
        return (query.TenantId, from, to, errors);
    }
}
