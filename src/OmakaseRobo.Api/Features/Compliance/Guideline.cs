using OmakaseRobo.Api.Platform.Storage;
namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>A guideline item: its number as the guideline writes it, its title in both languages, and for items done by people the period of their attestation.</summary>
internal sealed record GuidelineItem(string Number, string TitleJa, string TitleEn, TimeSpan? AttestationPeriod = null)
{
    public bool IsOrganisational => AttestationPeriod is not null;
}

/// <summary>The items of TechHub's JIS Q 27017 guideline the report covers, in the guideline's order.</summary>
internal static class Guideline
{
    private static readonly TimeSpan Yearly = TimeSpan.FromDays(365);

    /// <summary>The weekly vulnerability scan is done by people too: attested under 12.6.1, beside its live checks.</summary>
    public static readonly TimeSpan WeeklyScan = TimeSpan.FromDays(7);

    public static readonly IReadOnlyList<GuidelineItem> Items =
    [
        new("1", "責任分界", "Division of responsibilities"),
        new("3-2", "データ及びバックアップの保管地域", "Region of data and backups"),
        new("5.1.1", "情報セキュリティのための方針群", "Policies for information security", Yearly),
        new("6.1.1", "情報セキュリティの役割及び責任", "Information security roles and responsibilities", Yearly),
        new("6.1.3", "関係当局との連絡", "Contact with authorities", Yearly),
        new("9.2.1", "利用者登録及び登録削除", "User registration and de-registration"),
        new("9.2.2", "利用者アクセスの提供", "User access provisioning"),
        new("9.2.3", "特権的アクセス権の管理", "Management of privileged access rights"),
        new("9.2.4", "利用者の秘密認証情報の管理", "Management of secret authentication information of users"),
        new("9.4.4", "特権的なユーティリティプログラムの使用", "Use of privileged utility programs"),
        new("10.1.1", "暗号による管理策の利用方針", "Policy on the use of cryptographic controls"),
        new("12.1.2", "変更管理", "Change management"),
        new("12.3.1", "情報のバックアップ", "Information backup"),
        new("12.4.4", "クロックの同期", "Clock synchronisation"),
        new("12.6.1", "技術的ぜい弱性の管理", "Management of technical vulnerabilities"),
        new("14.1.1", "情報セキュリティ要求事項の分析及び仕様化", "Information security requirements analysis and specification"),
        new("14.2.1", "セキュリティに配慮した開発のための方針", "Secure development policy", Yearly),
        new("15.1.1", "供給者関係のための情報セキュリティの方針", "Information security policy for supplier relationships", Yearly),
        new("15.1.2", "供給者との合意におけるセキュリティの取扱い", "Addressing security within supplier agreements", Yearly),
        new("16.1.1", "責任及び手順", "Responsibilities and procedures"),
        new("16.1.7", "証拠の収集", "Collection of evidence"),
        new("18.1.3", "記録の保護", "Protection of records"),
        new("18.1.5", "暗号化機能に対する規制", "Regulation of cryptographic controls"),
        new("18.2.1", "情報セキュリティの独立したレビュー", "Independent review of information security", Yearly),
        new("CLD.6.3.1", "クラウドコンピューティング環境における役割及び責任の共有及び分担", "Shared roles and responsibilities within a cloud computing environment", Yearly),
        new("CLD.8.1.5", "クラウドサービスカスタマの資産の除去", "Removal of cloud service customer assets"),
    ];

    /// <summary>The items an attestation may be recorded for, with how long one counts.</summary>
    public static TimeSpan? AttestationPeriodOf(string item) =>
        item == "12.6.1" ? WeeklyScan : Items.FirstOrDefault(i => i.Number == item)?.AttestationPeriod;
}
