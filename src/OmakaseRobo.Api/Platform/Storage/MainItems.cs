using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>One kind of item: its <c>type</c> attribute, the shape of its keys, and the area whose store owns it.</summary>
internal sealed record ItemKind(string Table, string Type, string PartitionKey, string SortKey, string Owner);

/// <summary>
/// Every item kind of the main table, its keys and its <c>type</c>, spelled here and nowhere else: a store builds its
/// keys from its own entry, and an area that must touch another area's items (tenant deletion, the purge) asks here.
/// </summary>
internal static class MainItems
{
    public static class Tenant
    {
        public const string Type = "tenant";
        public const string SortKey = "#TENANT";

        /// <summary>gsi1 partition listing every tenant (the access review reads it without a scan).</summary>
        public const string ListPartition = "TENANTS";

        /// <summary>The partition of a tenant: its own item and the items that live under it (users, emails, links, notices, webhook).</summary>
        public static string Partition(string tenantId) => $"TENANT#{tenantId}";

        public static Dictionary<string, AttributeValue> Key(string tenantId) => Attr.Key(Partition(tenantId), SortKey);
    }

    public static class User
    {
        public const string Type = "user";
        public const string SortPrefix = "USER#";

        public static Dictionary<string, AttributeValue> Key(string tenantId, string userId) => Attr.Key(Tenant.Partition(tenantId), SortPrefix + userId);
    }

    /// <summary>
    /// The failure counter and lock of a sign-in email that names no user of its tenant, so that a lock tells nothing about
    /// which addresses exist. Keyed by a hash of tenant and address (both are the caller's text); expires a day after its
    /// last counted attempt.
    /// </summary>
    public static class UnknownSignIn
    {
        public const string Type = "unknown-sign-in";
        public const string SortKey = "#LOCK";

        public static string Partition(string tenantId, string email) => "SIGNIN-UNKNOWN#" + Text.TextDigest.Sha256Hex(tenantId + "\n" + email);

        public static Dictionary<string, AttributeValue> Key(string partition) => Attr.Key(partition, SortKey);
    }

    /// <summary>Keeps an email unique in its tenant: written in the same transaction as the user.</summary>
    public static class Email
    {
        public const string Type = "email";
        public const string SortPrefix = "EMAIL#";

        public static Dictionary<string, AttributeValue> Key(string tenantId, string email) => Attr.Key(Tenant.Partition(tenantId), SortPrefix + email);
    }

    public static class Session
    {
        public const string Type = "session";
        public const string PartitionPrefix = "SESSION#";
        public const string SortKey = "#SESSION";

        public static Dictionary<string, AttributeValue> Key(string tokenHash) => Attr.Key(PartitionPrefix + tokenHash, SortKey);

        public static string TokenHashOf(Dictionary<string, AttributeValue> item) => item.RequireS(TableSchema.PartitionKey)[PartitionPrefix.Length..];

        /// <summary>gsi1 partition listing one user's sessions.</summary>
        public static string UserIndex(string tenantId, string userId) => $"SESSIONS#{tenantId}#{userId}";
    }

    public static class MfaChallenge
    {
        public const string Type = "mfa-challenge";

        public static Dictionary<string, AttributeValue> Key(string tokenHash) => Attr.Key($"MFA#{tokenHash}", "#MFA");
    }

    public static class Incident
    {
        public const string Type = "incident";

        public static string Partition(string incidentId) => $"INCIDENT#{incidentId}";

        public static Dictionary<string, AttributeValue> Key(string incidentId) => Attr.Key(Partition(incidentId), "#INCIDENT");
    }

    /// <summary>An incident listed under each tenant it concerns.</summary>
    public static class IncidentLink
    {
        public const string Type = "incident-link";
        public const string SortPrefix = "INCIDENT#";

        public static Dictionary<string, AttributeValue> Key(string tenantId, string incidentId) => Attr.Key(Tenant.Partition(tenantId), SortPrefix + incidentId);
    }

    public static class Notice
    {
        public const string Type = "notice";
        public const string SortPrefix = "NOTICE#";

        public static Dictionary<string, AttributeValue> Key(string tenantId, DateTimeOffset createdAt, string incidentId, int sequence) =>
            Attr.Key(Tenant.Partition(tenantId), string.Create(CultureInfo.InvariantCulture, $"{SortPrefix}{createdAt.ToUnixTimeMilliseconds():D15}#{incidentId}#{sequence:D3}"));
    }

    /// <summary>
    /// A notice too large for one transaction, stored with the incident's change before its chunks; deleted with the
    /// last chunk. Listed in gsi1 so retry-webhooks finishes one whose process died between chunks.
    /// </summary>
    public static class NoticeDispatch
    {
        public const string Type = "notice-dispatch";
        public const string ListPartition = "NOTICE-DISPATCH";

        public static Dictionary<string, AttributeValue> Key(string incidentId, int sequence) =>
            Attr.Key(Incident.Partition(incidentId), string.Create(CultureInfo.InvariantCulture, $"DISPATCH#{sequence:D3}"));

        public static string ListSortKey(DateTimeOffset createdAt, string incidentId) =>
            string.Create(CultureInfo.InvariantCulture, $"{createdAt.ToUnixTimeMilliseconds():D15}#{incidentId}");
    }

    public static class LegalHold
    {
        public const string Type = "legal-hold";
        public const string SortPrefix = "HOLD#";

        /// <summary>gsi1 partition listing every hold, sorted by tenant.</summary>
        public const string ListPartition = "LEGAL-HOLDS";

        public static Dictionary<string, AttributeValue> Key(string incidentId, string holdId) => Attr.Key(Incident.Partition(incidentId), SortPrefix + holdId);
    }

    public static class Vulnerability
    {
        public const string Type = "vulnerability";

        public static Dictionary<string, AttributeValue> Key(string id) => Attr.Key($"VULN#{id}", "#VULN");
    }

    public static class Webhook
    {
        public const string Type = "webhook";

        public static Dictionary<string, AttributeValue> Key(string tenantId) => Attr.Key(Tenant.Partition(tenantId), "#WEBHOOK");
    }

    public static class WebhookDelivery
    {
        public const string Type = "webhook-delivery";
        public const string SortPrefix = "DELIVERY#";

        public static Dictionary<string, AttributeValue> Key(string tenantId, string deliveryId) => Attr.Key(Tenant.Partition(tenantId), SortPrefix + deliveryId);
    }

    public static class JobRun
    {
        public const string Type = "job-run";

        public static Dictionary<string, AttributeValue> Key(string eventId) => Attr.Key($"JOBRUN#{eventId}", "#RUN");
    }

    public static class PurgeCursor
    {
        public const string Type = "purge-cursor";

        public static Dictionary<string, AttributeValue> Key() => Attr.Key("JOB#purge-records", "CURSOR");
    }

    public static class RestoreTestState
    {
        public const string Type = "restore-test-state";

        public static Dictionary<string, AttributeValue> Key(string table) => Attr.Key("JOB#verify-backups", $"RESTORE#{table}");
    }

    public static class DeletionCertificate
    {
        public const string Type = "deletion-certificate";

        public static Dictionary<string, AttributeValue> Key(string tenantId) => Attr.Key($"CERT#{tenantId}", "#CERT");
    }

    /// <summary>A known item in every backed-up table, main and audit alike (see the Backups area).</summary>
    public static class BackupCanary
    {
        public const string Type = "backup-canary";

        public static Dictionary<string, AttributeValue> Key() => Attr.Key("CANARY", "#CANARY");
    }

    public static class Attestation
    {
        public const string Type = "compliance-attestation";
        public const string SortPrefix = "AT#";

        public static string Partition(string item) => $"COMPLIANCE-ATTEST#{item}";

        public static Dictionary<string, AttributeValue> Key(string item, DateTimeOffset performedAt, string attestationId) =>
            Attr.Key(Partition(item), string.Create(CultureInfo.InvariantCulture, $"{SortPrefix}{performedAt.ToUnixTimeMilliseconds():D15}#{attestationId}"));
    }

    public static class ComplianceReport
    {
        public const string Type = "compliance-report";

        public static Dictionary<string, AttributeValue> Key(string reportId) => Attr.Key($"COMPLIANCE-REPORT#{reportId}", "#REPORT");
    }

    /// <summary>The names of every product permission in one item, read with every session (admin holds them all).</summary>
    public static class ProductPermissionCatalogue
    {
        public const string Type = "product-permissions";
        public const string Partition = "PERMISSIONS";

        public static Dictionary<string, AttributeValue> Key() => Attr.Key(Partition, "#PRODUCT");
    }

    /// <summary>
    /// How many custom roles, in every tenant, hold each product permission: one number attribute per permission, named
    /// by it, in one item, so that a role's change moves all its counts in one write.
    /// </summary>
    public static class ProductPermissionUsage
    {
        public const string Type = "product-permission-usage";

        public static Dictionary<string, AttributeValue> Key() => Attr.Key(ProductPermissionCatalogue.Partition, "#USES");
    }

    public static class ProductPermissionDefinition
    {
        public const string Type = "product-permission";
        public const string SortPrefix = "PERMISSION#";

        public static Dictionary<string, AttributeValue> Key(string name) => Attr.Key(ProductPermissionCatalogue.Partition, SortPrefix + name);
    }

    public static class ServiceClient
    {
        public const string Type = "service-client";

        /// <summary>gsi1 partition listing every service client.</summary>
        public const string ListPartition = "SERVICECLIENTS";

        public static Dictionary<string, AttributeValue> Key(string clientId) => Attr.Key($"SERVICECLIENT#{clientId}", "#CLIENT");
    }

    public static readonly IReadOnlyList<ItemKind> Kinds =
    [
        new("main", Tenant.Type, "TENANT#{tenant}", "#TENANT", "Tenants"),
        new("main", User.Type, "TENANT#{tenant}", "USER#{user}", "Users"),
        new("main", Email.Type, "TENANT#{tenant}", "EMAIL#{email}", "Users"),
        new("main", UnknownSignIn.Type, "SIGNIN-UNKNOWN#{sha256(tenant, email)}", "#LOCK", "Users"),
        new("main", Session.Type, "SESSION#{sha256(token)}", "#SESSION", "Sessions"),
        new("main", MfaChallenge.Type, "MFA#{sha256(token)}", "#MFA", "Sessions"),
        new("main", Incident.Type, "INCIDENT#{incident}", "#INCIDENT", "Incidents"),
        new("main", IncidentLink.Type, "TENANT#{tenant}", "INCIDENT#{incident}", "Incidents"),
        new("main", Notice.Type, "TENANT#{tenant}", "NOTICE#{ms}#{incident}#{n}", "Incidents"),
        new("main", NoticeDispatch.Type, "INCIDENT#{incident}", "DISPATCH#{n}", "Incidents"),
        new("main", LegalHold.Type, "INCIDENT#{incident}", "HOLD#{hold}", "Audit"),
        new("main", Vulnerability.Type, "VULN#{id}", "#VULN", "Vulnerabilities"),
        new("main", Webhook.Type, "TENANT#{tenant}", "#WEBHOOK", "Webhooks"),
        new("main", WebhookDelivery.Type, "TENANT#{tenant}", "DELIVERY#{delivery}", "Webhooks"),
        new("main", JobRun.Type, "JOBRUN#{event}", "#RUN", "Jobs"),
        new("main", PurgeCursor.Type, "JOB#purge-records", "CURSOR", "Platform/Retention"),
        new("main", RestoreTestState.Type, "JOB#verify-backups", "RESTORE#{table}", "Backups"),
        new("main", DeletionCertificate.Type, "CERT#{tenant}", "#CERT", "Tenants"),
        new("main", BackupCanary.Type, "CANARY", "#CANARY", "Backups"),
        new("main", Attestation.Type, "COMPLIANCE-ATTEST#{item}", "AT#{ms}#{attestation}", "Compliance"),
        new("main", ComplianceReport.Type, "COMPLIANCE-REPORT#{report}", "#REPORT", "Compliance"),
        new("main", ProductPermissionCatalogue.Type, "PERMISSIONS", "#PRODUCT", "ProductPermissions"),
        new("main", ProductPermissionUsage.Type, "PERMISSIONS", "#USES", "ProductPermissions"),
        new("main", ProductPermissionDefinition.Type, "PERMISSIONS", "PERMISSION#{name}", "ProductPermissions"),
        new("main", ServiceClient.Type, "SERVICECLIENT#{client}", "#CLIENT", "ServiceClients"),
    ];
}
