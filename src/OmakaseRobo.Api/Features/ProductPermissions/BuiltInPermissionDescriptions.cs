using System.Collections.Frozen;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.ProductPermissions;

/// <summary>What each built-in permission lets its holder do, in Japanese and English, for GET /v1/permissions.</summary>
internal static class BuiltInPermissionDescriptions
{
    public static readonly FrozenDictionary<string, PermissionDescription> All = new Dictionary<string, PermissionDescription>
    {
        [Permissions.UsersRead] = new("テナントのユーザーを閲覧する", "Read the tenant's users"),
        [Permissions.RolesRead] = new("テナントのロールを閲覧する", "Read the tenant's roles"),
        [Permissions.RolesManage] = new("テナントのカスタムロールを作成・変更・削除する", "Create, change and delete the tenant's custom roles"),
        [Permissions.RolesAssign] = new("ユーザーにロールを割り当てる", "Assign roles to users"),
        [Permissions.AuditRead] = new("テナントの監査ログを閲覧する", "Read the tenant's audit trail"),
        [Permissions.IncidentsReport] = new("インシデントを報告する", "Report incidents"),
        [Permissions.IncidentsRead] = new("テナントに関わるインシデントを閲覧する", "Read the incidents that concern the tenant"),
        [Permissions.NoticesRead] = new("インシデント通知を閲覧する", "Read incident notices"),
        [Permissions.WebhookManage] = new("通知用Webhookを設定する", "Configure the notification webhook"),
        [Permissions.TenantRead] = new("テナントの設定を閲覧する", "Read the tenant's settings"),
        [Permissions.PlatformTenantsManage] = new("テナントを作成・管理する", "Create and manage tenants"),
        [Permissions.PlatformUsersManage] = new("全テナントのユーザーとロールを管理する", "Manage users and roles of every tenant"),
        [Permissions.PlatformTenantsTerminate] = new("テナントの契約終了を処理する", "Terminate tenants"),
        [Permissions.PlatformIncidentsManage] = new("インシデント対応を管理する", "Manage incident response"),
        [Permissions.PlatformEvidence] = new("証跡を保全・出力する", "Preserve and export evidence"),
        [Permissions.PlatformAuditVerify] = new("監査ログの完全性を検証する", "Verify the audit trail's integrity"),
        [Permissions.PlatformAccessReview] = new("特権アクセスをレビューする", "Review privileged access"),
        [Permissions.PlatformVulnerabilities] = new("脆弱性を記録・管理する", "Record and manage vulnerabilities"),
        [Permissions.PlatformRead] = new("プラットフォーム全体を閲覧する", "Read across the platform"),
        [Permissions.PlatformPermissionsManage] = new("製品の権限を定義・削除する", "Define and remove product permissions"),
        [Permissions.PlatformServiceClientsManage] = new("サービスクライアントを登録・削除する", "Register and remove service clients"),
        [Permissions.PlatformComplianceRead] = new("コンプライアンス報告書を閲覧する", "Read the compliance reports"),
        [Permissions.PlatformComplianceAttest] = new("組織的管理策の実施を記録する", "Record attestations of organisational controls"),
        [Permissions.UsersManage] = new("テナントのユーザーを停止・再開・ロック解除し、セッションを終了する", "Suspend, reactivate and unlock the tenant's users and end their sessions"),
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
