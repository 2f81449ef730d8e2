using System.Collections.Frozen;

namespace OmakaseRobo.Api.Platform.Problems;

/// <summary>Every problem type the API answers with, and its title in English and Japanese (RFC 9457).</summary>
internal static class ProblemCatalog
{
    public const string TypePrefix = "urn:omakase-robo:problem:";

    public sealed record Entry(int Status, string English, string Japanese);

    private static readonly FrozenDictionary<string, Entry> Entries = new Dictionary<string, Entry>
    {
        ["validation"] = new(400, "The request has invalid fields.", "リクエストの項目に誤りがあります。"),
        ["malformed-json"] = new(400, "The request body is not valid JSON.", "リクエスト本文が正しいJSONではありません。"),
        ["bad-request"] = new(400, "The request is not valid.", "リクエストが正しくありません。"),
        ["unauthorized"] = new(401, "Authentication is required or has failed.", "認証が必要か、認証に失敗しました。"),
        ["invalid-credentials"] = new(401, "The sign-in details are not correct.", "サインイン情報が正しくありません。"),
        ["forbidden"] = new(403, "You are not allowed to do this.", "この操作は許可されていません。"),
        ["password-change-required"] = new(403, "Change your password before doing this.", "この操作の前にパスワードを変更してください。"),
        ["mfa-enrollment-required"] = new(403, "Enrol in multi-factor authentication before doing this.", "この操作の前に多要素認証を登録してください。"),
        ["reauthentication-required"] = new(403, "Confirm it is you: sign in again, or send your current password as currentPassword.", "本人確認が必要です。もう一度サインインするか、現在のパスワードを currentPassword で送信してください。"),
        ["not-found"] = new(404, "The resource does not exist.", "リソースが存在しません。"),
        ["method-not-allowed"] = new(405, "This method is not allowed here.", "このメソッドは許可されていません。"),
        ["conflict"] = new(409, "The request conflicts with the current state.", "リクエストが現在の状態と矛盾しています。"),
        ["body-too-large"] = new(413, "The request body is too large.", "リクエスト本文が大きすぎます。"),
        ["idempotency-key-reused"] = new(422, "This Idempotency-Key was already used for a different request.", "この Idempotency-Key は別のリクエストで使用済みです。"),
        ["unsupported-media-type"] = new(415, "Send the body as application/json.", "本文は application/json で送信してください。"),
        ["locked-out"] = new(429, "Too many failed attempts. Try again later.", "失敗が多すぎます。しばらくしてから再試行してください。"),
        ["storage-unavailable"] = new(503, "A service this request needs is not available right now. Try again shortly.", "このリクエストに必要なサービスが一時的に利用できません。しばらくしてから再試行してください。"),
        ["internal"] = new(500, "An unexpected error occurred.", "予期しないエラーが発生しました。"),
    }.ToFrozenDictionary();

    public static string TypeOf(string slug) => TypePrefix + slug;

    public static Entry Get(string slug) => Entries[slug];

    /// <summary>The slug of a problem type, or the default one for a bare status code.</summary>
    public static string SlugFor(string? type, int status)
    {
        if (type is not null && type.StartsWith(TypePrefix, StringComparison.Ordinal))
        {
            var slug = type[TypePrefix.Length..];
            if (Entries.ContainsKey(slug))
            {
                return slug;
            }
        }

        return status switch
        {
            400 => "bad-request",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not-found",
            405 => "method-not-allowed",
            409 => "conflict",
            413 => "body-too-large",
            415 => "unsupported-media-type",
            429 => "locked-out",
            503 => "storage-unavailable",
            _ => "internal",
        };
    }
}
