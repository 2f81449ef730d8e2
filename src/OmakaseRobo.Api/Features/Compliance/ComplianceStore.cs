using OmakaseRobo.Api.Platform.Auditing;
using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>
/// Attestations (pk COMPLIANCE-ATTEST#item, sk AT#performedAt#id, newest last) and the signed reports of the monthly job
/// (pk COMPLIANCE-REPORT#id, listed through gsi1 COMPLIANCE-REPORTS by time), kept as the exact text that was signed.
/// Neither expires: they are the evidence of past periods.
/// </summary>
internal sealed class ComplianceStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    private const string ReportsPartition = "COMPLIANCE-REPORTS";
    public const int MaxListed = 100;

    private string Table => options.Tables.Main;

    private static string Stamp(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString("D15", CultureInfo.InvariantCulture);

    private static Dictionary<string, AttributeValue> ReportKey(string reportId) => MainItems.ComplianceReport.Key(reportId);

    public async Task AddAttestationAsync(AttestationView attestation, PendingAudit record, CancellationToken cancellationToken)
    {
        var item = MainItems.Attestation.Key(attestation.Item, attestation.PerformedAt, attestation.AttestationId);
        item[TableSchema.Type] = Attr.S(MainItems.Attestation.Type);
        item["attestationId"] = Attr.S(attestation.AttestationId);
        item["item"] = Attr.S(attestation.Item);
        item["summary"] = Attr.S(attestation.Summary);
        item["performedAt"] = Attr.Time(attestation.PerformedAt);
        item["recordedAt"] = Attr.Time(attestation.RecordedAt);
        item["recordedBy"] = Attr.S(attestation.RecordedBy);
        item["validUntil"] = Attr.Time(attestation.ValidUntil);
        if (attestation.Reference is not null)
        {
            item["reference"] = Attr.S(attestation.Reference);
        }

        await dynamo.CommitAsync([new TransactWriteItem { Put = new Put { TableName = Table, Item = item, ConditionExpression = "attribute_not_exists(pk)" } }], record, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The attestation of the item performed most recently, or null.</summary>
    public async Task<AttestationView?> LatestAttestationAsync(string item, CancellationToken cancellationToken)
    {
        var response = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :at)",
            ExpressionAttributeValues = new() { [":pk"] = Attr.S(MainItems.Attestation.Partition(item)), [":at"] = Attr.S(MainItems.Attestation.SortPrefix) },
            ScanIndexForward = false,
            Limit = 1,
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false);
        return response.Items is [var found, ..] ? AttestationFrom(found) : null;
    }

    public async Task AddReportAsync(SignedReport stored, CancellationToken cancellationToken)
    {
        var report = stored.Report;
        var item = ReportKey(report.ReportId!);
        item[TableSchema.Type] = Attr.S(MainItems.ComplianceReport.Type);
        item["reportId"] = Attr.S(report.ReportId!);
        item["generatedAt"] = Attr.Time(report.GeneratedAt);
        item["keyId"] = Attr.S(report.Signature!.KeyId);
        item["summary"] = Attr.S(JsonSerializer.Serialize(report.Summary, AppJsonContext.Default.ComplianceSummary));
        item["json"] = Attr.S(stored.Json);
        item[TableSchema.Index1PartitionKey] = Attr.S(ReportsPartition);
        item[TableSchema.Index1SortKey] = Attr.S($"{Stamp(report.GeneratedAt)}#{report.ReportId}");
        await dynamo.PutItemAsync(new PutItemRequest { TableName = Table, Item = item, ConditionExpression = "attribute_not_exists(pk)" }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Newest first, at most <see cref="MaxListed"/> (about eight years of monthly reports). The index holds each report
    /// whole (about 16 KB, more with more tenants), and a query page stops at 1 MB of items read, whatever the projection:
    /// so the pages are followed until the list is full.
    /// </summary>
    public async Task<List<StoredReportSummary>> ListReportsAsync(CancellationToken cancellationToken)
    {
        var reports = new List<StoredReportSummary>();
        await foreach (var item in dynamo.QueryItemsAsync(new QueryRequest
        {
            TableName = Table,
            IndexName = TableSchema.Index1,
            KeyConditionExpression = "gsi1pk = :all",
            ExpressionAttributeValues = new() { [":all"] = Attr.S(ReportsPartition) },
            ProjectionExpression = "#id, #at, #key, #summary",
            ExpressionAttributeNames = new() { ["#id"] = "reportId", ["#at"] = "generatedAt", ["#key"] = "keyId", ["#summary"] = "summary" },
            ScanIndexForward = false,
            Limit = MaxListed,
        }, cancellationToken).ConfigureAwait(false))
        {
            reports.Add(new StoredReportSummary(
                item.RequireS("reportId"),
                item.GetTimeOrEpoch("generatedAt"),
                JsonSerializer.Deserialize(item.RequireS("summary"), AppJsonContext.Default.ComplianceSummary)!,
                item.RequireS("keyId")));
            if (reports.Count == MaxListed)
            {
                break;
            }
        }

        return reports;
    }

    /// <summary>The report's JSON exactly as it was signed, or null.</summary>
    public async Task<string?> GetReportJsonAsync(string reportId, CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(reportId))
        {
            return null;
        }

        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = ReportKey(reportId), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
        return response.IsItemSet ? response.Item.GetS("json") : null;
    }

    private static AttestationView AttestationFrom(Dictionary<string, AttributeValue> item) => new(
        item.RequireS("attestationId"), item.RequireS("item"), item.RequireS("summary"), item.GetS("reference"),
        item.GetTimeOrEpoch("performedAt"), item.GetTimeOrEpoch("recordedAt"),
        item.RequireS("recordedBy"), item.GetTimeOrEpoch("validUntil"));
}
