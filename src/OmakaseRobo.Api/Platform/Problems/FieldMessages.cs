using System.Collections.Frozen;

namespace OmakaseRobo.Api.Platform.Problems;

/// <summary>Messages of field validation errors by code, in English and Japanese.</summary>
internal static class FieldMessages
{
    public const string Required = "required";
    public const string TooLong = "too-long";
    public const string InvalidEmail = "invalid-email";
    public const string InvalidFormat = "invalid-format";
    public const string UnknownValue = "unknown-value";

    private static readonly FrozenDictionary<string, (string English, string Japanese)> Messages =
        new Dictionary<string, (string, string)>
        {
            [Required] = ("This field is required.", "この項目は必須です。"),
            [TooLong] = ("This field is too long.", "この項目が長すぎます。"),
            [InvalidEmail] = ("This is not a valid email address.", "メールアドレスの形式が正しくありません。"),
            [InvalidFormat] = ("This field has an invalid format.", "この項目の形式が正しくありません。"),
            [UnknownValue] = ("This value is not known.", "この値は使用できません。"),
            ["password-too-short"] = ("The password must have at least 12 characters.", "パスワードは12文字以上にしてください。"),
            ["password-too-long"] = ("The password must have at most 128 characters.", "パスワードは128文字以下にしてください。"),
            ["password-needs-upper"] = ("The password needs an upper-case letter.", "パスワードに英大文字を含めてください。"),
            ["password-needs-lower"] = ("The password needs a lower-case letter.", "パスワードに英小文字を含めてください。"),
            ["password-needs-digit"] = ("The password needs a digit.", "パスワードに数字を含めてください。"),
            ["password-contains-email"] = ("The password must not contain your email name.", "パスワードにメールアドレスの名前部分を含めないでください。"),
            ["password-common"] = ("This password is too common.", "このパスワードは一般的すぎます。"),
            ["password-reused"] = ("The new password must differ from the current one.", "新しいパスワードは現在のものと異なる必要があります。"),
            ["password-incorrect"] = ("The current password is not correct.", "現在のパスワードが正しくありません。"),
            ["url-host-not-allowed"] = ("The address must name a public host: not an IP address, localhost or a single-label name.", "公開されたホスト名を指定してください（IPアドレス、localhost、ドットのない名前は使用できません）。"),
            ["secret-too-short"] = ("The secret must have at least 32 characters.", "シークレットは32文字以上にしてください。"),
            ["transition-not-allowed"] = ("The incident cannot move to this phase from its current one.", "現在のフェーズからこのフェーズへは移行できません。"),
            ["notice-not-allowed"] = ("This kind of notice cannot be sent now.", "この種類の通知は現在送信できません。"),
            ["code-invalid"] = ("The code is not correct.", "コードが正しくありません。"),
            ["out-of-range"] = ("This value is out of range.", "この値は範囲外です。"),
            ["range-invalid"] = ("The end must come after the start.", "終了は開始より後にしてください。"),
            ["permission-reserved"] = ("This name belongs to the built-in permissions.", "この名前は組み込みの権限用に予約されています。"),
            ["cursor-invalid"] = ("This cursor does not belong to this query.", "このカーソルはこの検索には使用できません。"),
        }.ToFrozenDictionary();

    public static string Localize(string code, bool japanese) =>
        Messages.TryGetValue(code, out var message) ? (japanese ? message.Japanese : message.English) : code;
}
