using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.Auth;
using OmakaseRobo.Api.Features.Compliance;
using OmakaseRobo.Api.Features.Incidents;
using OmakaseRobo.Api.Features.Introspection;
using OmakaseRobo.Api.Features.ProductPermissions;
using OmakaseRobo.Api.Features.ServiceClients;
using OmakaseRobo.Api.Features.Jobs;
using OmakaseRobo.Api.Features.Vulnerabilities;
using OmakaseRobo.Api.Features.Webhooks;
using OmakaseRobo.Api.Features.Backups;
using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Retention;

namespace OmakaseRobo.Api;

/// <summary>The one source-generated JSON context of the app (Native AOT: no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(SessionResponse))]
[JsonSerializable(typeof(MfaChallengeResponse))]
[JsonSerializable(typeof(MfaVerifyRequest))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(TotpEnrollmentResponse))]
[JsonSerializable(typeof(TotpConfirmRequest))]
[JsonSerializable(typeof(RecoveryCodesResponse))]
[JsonSerializable(typeof(SessionList))]
[JsonSerializable(typeof(SetUserStatusRequest))]
[JsonSerializable(typeof(ResetRequest))]
[JsonSerializable(typeof(PasswordResetResponse))]
[JsonSerializable(typeof(RecoveryCodesRequest))]
[JsonSerializable(typeof(TotpStartRequest))]
[JsonSerializable(typeof(UserSessionList))]
[JsonSerializable(typeof(UserSummary))]
[JsonSerializable(typeof(CreateTenantRequest))]
[JsonSerializable(typeof(CreatedTenant))]
[JsonSerializable(typeof(TenantResponse))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(CreatedUser))]
[JsonSerializable(typeof(UserList))]
[JsonSerializable(typeof(RoleList))]
[JsonSerializable(typeof(RoleItem))]
[JsonSerializable(typeof(PutRoleRequest))]
[JsonSerializable(typeof(AssignRolesRequest))]
[JsonSerializable(typeof(AssignedRoles))]
[JsonSerializable(typeof(PrivilegedAccessReport))]
[JsonSerializable(typeof(CreateIncidentRequest))]
[JsonSerializable(typeof(CreatedIncident))]
[JsonSerializable(typeof(IncidentView))]
[JsonSerializable(typeof(IncidentList))]
[JsonSerializable(typeof(TransitionRequest))]
[JsonSerializable(typeof(NoticeRequest))]
[JsonSerializable(typeof(NoticeSent))]
[JsonSerializable(typeof(NoticeList))]
[JsonSerializable(typeof(PutWebhookRequest))]
[JsonSerializable(typeof(WebhookView))]
[JsonSerializable(typeof(WebhookPayload))]
[JsonSerializable(typeof(CreateVulnerabilityRequest))]
[JsonSerializable(typeof(ResolveVulnerabilityRequest))]
[JsonSerializable(typeof(VulnerabilityView))]
[JsonSerializable(typeof(VulnerabilityList))]
[JsonSerializable(typeof(TerminationAccepted))]
[JsonSerializable(typeof(DeletionCertificate))]
[JsonSerializable(typeof(TenantDeletionReport))]
[JsonSerializable(typeof(WebhookRetryReport))]
[JsonSerializable(typeof(CreateHoldRequest))]
[JsonSerializable(typeof(HoldView))]
[JsonSerializable(typeof(HoldList))]
[JsonSerializable(typeof(EvidenceRecordData))]
[JsonSerializable(typeof(EvidenceExport))]
[JsonSerializable(typeof(AuditChainReport))]
[JsonSerializable(typeof(OutboxReport))]
[JsonSerializable(typeof(PurgeReport))]
[JsonSerializable(typeof(AuditEventList))]
[JsonSerializable(typeof(AuditVerification))]
[JsonSerializable(typeof(CheckpointReport))]
[JsonSerializable(typeof(BackupReport))]
[JsonSerializable(typeof(LocalBackupManifest))]
[JsonSerializable(typeof(ComplianceReport))]
[JsonSerializable(typeof(AttestationRequest))]
[JsonSerializable(typeof(AttestationView))]
[JsonSerializable(typeof(StoredReportList))]
[JsonSerializable(typeof(SigningKeyView))]
[JsonSerializable(typeof(ComplianceReportJobReport))]
[JsonSerializable(typeof(CreateServiceClientRequest))]
[JsonSerializable(typeof(CreatedServiceClient))]
[JsonSerializable(typeof(ServiceClientList))]
[JsonSerializable(typeof(IntrospectionResponse))]
[JsonSerializable(typeof(PutPermissionRequest))]
[JsonSerializable(typeof(PermissionItem))]
[JsonSerializable(typeof(PermissionList))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
[JsonSerializable(typeof(Dictionary<string, string[]>))]
internal sealed partial class AppJsonContext : JsonSerializerContext;

