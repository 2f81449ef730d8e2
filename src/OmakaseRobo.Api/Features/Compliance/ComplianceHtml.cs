using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>
/// The report as one self-contained printable page: no script, no external style or font, one inline style allowed
/// by its hash in the page's own CSP; an overview picture (inline SVG, a coloured cell per item) on top, the evidence below.
/// </summary>
internal static class ComplianceHtml
{
    private const string Style = """
        @page { size: A4; margin: 14mm 12mm; }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 190mm; padding: 8mm 0; color: #1d2330; background: #ffffff;
          font: 10pt/1.45 "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", "Meiryo", system-ui, sans-serif; }
        header { border-bottom: 3px solid #1f4e79; padding-bottom: 4mm; margin-bottom: 5mm; }
        h1 { font-size: 18pt; margin: 0 0 2mm; color: #1f4e79; }
        .meta { margin: 0; color: #4a5568; font-size: 9pt; }
        .overview { margin: 0 0 6mm; }
        .overview svg { display: block; width: 100%; height: auto; }
        .counts { display: flex; gap: 3mm; flex-wrap: wrap; margin: 3mm 0 0; padding: 0; list-style: none; font-size: 9pt; }
        .counts li { padding: 1mm 2.5mm; border-radius: 2mm; }
        .r-pass { background: #d9f2e3; color: #14532d; }
        .r-fail { background: #fadbd8; color: #7f1d1d; }
        .r-attention { background: #fdf0c4; color: #713f12; }
        .r-attested { background: #dbe7fb; color: #1e3a8a; }
        .r-not-applicable { background: #e8eaee; color: #374151; }
        section.item { margin: 0 0 5mm; break-inside: auto; }
        h2 { font-size: 12pt; margin: 0 0 1.5mm; break-after: avoid-page; }
        h2 .num { display: inline-block; min-width: 22mm; color: #1f4e79; }
        h2 .en { font-weight: normal; color: #4a5568; font-size: 9pt; margin-left: 2mm; }
        table { width: 100%; border-collapse: collapse; font-size: 8.5pt; table-layout: fixed; }
        th:nth-child(1) { width: 24%; } th:nth-child(2) { width: 12%; } th:nth-child(4) { width: 15%; }
        th, td { border: 1px solid #cbd2dc; padding: 1mm 1.5mm; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
        th { background: #f1f4f8; font-weight: 600; }
        tr { break-inside: avoid-page; }
        td.badge { white-space: nowrap; font-weight: 600; }
        td.evidence dl { margin: 0; display: grid; grid-template-columns: max-content 1fr; column-gap: 2mm; }
        td.evidence dt { color: #4a5568; }
        td.evidence dd { margin: 0; overflow-wrap: anywhere; }
        footer { margin-top: 6mm; border-top: 1px solid #cbd2dc; padding-top: 2mm; font-size: 8pt; color: #4a5568; overflow-wrap: anywhere; }
        @media print { body { padding: 0; max-width: none; } header { break-after: avoid-page; } .overview { break-after: page; } }
        """;

    /// <summary>The page's CSP: nothing but its own style element, by hash.</summary>
    public static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'; "
        + "img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly Dictionary<string, string> Fill = new(StringComparer.Ordinal)
    {
        [CheckResult.Pass] = "#2f9e5b",
        [CheckResult.Fail] = "#c0392b",
        [CheckResult.Attention] = "#e0a800",
        [CheckResult.Attested] = "#3b6fd4",
        [CheckResult.NotApplicable] = "#9aa3af",
    };

    public static string Render(ComplianceReport report, bool japanese)
    {
        var t = new Labels(japanese);
        var html = new StringBuilder(64 * 1024);
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html>\n<html lang=\"{(japanese ? "ja" : "en")}\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append(CultureInfo.InvariantCulture, $"<title>{E(t.Title)} {E(ReportBuilder.Time(report.GeneratedAt))}</title><style>{Style}</style></head><body>")
            .Append(CultureInfo.InvariantCulture, $"<header><h1>{E(t.Title)}</h1><p class=\"meta\">{E(t.Generated)}: {E(ReportBuilder.Time(report.GeneratedAt))} · ")
            .Append(CultureInfo.InvariantCulture, $"{E(t.Stage)}: {E(report.Stage)} · {E(t.Region)}: {E(report.Region)}")
            .Append(report.ReportId is null ? string.Empty : $" · {E(t.ReportId)}: {E(report.ReportId)}")
            .Append("</p></header>");
        Overview(html, report, t);
        foreach (var item in report.Items)
        {
            Item(html, item, t, japanese);
        }

        html.Append(CultureInfo.InvariantCulture, $"<footer><p>{E(t.SignedBy)} {E(report.Signature?.KeyId ?? "-")} ({E(report.Signature?.Algorithm ?? "-")}).</p>")
            .Append(CultureInfo.InvariantCulture, $"<p>{E(t.Verify)}</p></footer></body></html>\n");
        return html.ToString();
    }

    private static void Overview(StringBuilder html, ComplianceReport report, Labels t)
    {
        const int columns = 6, cellWidth = 118, cellHeight = 52, gap = 6;
        var rows = (report.Items.Count + columns - 1) / columns;
        var width = (columns * (cellWidth + gap)) - gap;
        var height = (rows * (cellHeight + gap)) - gap;
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"overview\"><svg id=\"overview\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{E(t.Overview)}\">");
        for (var i = 0; i < report.Items.Count; i++)
        {
            var item = report.Items[i];
            var x = i % columns * (cellWidth + gap);
            var y = i / columns * (cellHeight + gap);
            html.Append(CultureInfo.InvariantCulture, $"<g class=\"cell\" data-item=\"{E(item.Number)}\" data-result=\"{E(item.Result)}\"><title>{E(item.Number)} {E(item.Title.En)}: {E(t.Result(item.Result))}</title>")
                .Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{cellWidth}\" height=\"{cellHeight}\" rx=\"6\" fill=\"{Fill[item.Result]}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (cellWidth / 2)}\" y=\"{y + 24}\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"17\" font-weight=\"700\" fill=\"#ffffff\">{E(item.Number)}</text>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (cellWidth / 2)}\" y=\"{y + 42}\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"11\" fill=\"#ffffff\">{E(t.Result(item.Result))}</text></g>");
        }

        html.Append("</svg><ul class=\"counts\">");
        var s = report.Summary;
        foreach (var (result, count) in new[] { (CheckResult.Pass, s.Pass), (CheckResult.Fail, s.Fail), (CheckResult.Attention, s.Attention), (CheckResult.Attested, s.Attested), (CheckResult.NotApplicable, s.NotApplicable) })
        {
            html.Append(CultureInfo.InvariantCulture, $"<li class=\"r-{result}\">{E(t.Result(result))}: {count}</li>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<li>{E(t.Items)}: {s.Items} · {E(t.Checks)}: {s.Checks}</li></ul></section>");
    }

    private static void Item(StringBuilder html, ComplianceItem item, Labels t, bool japanese)
    {
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"item\" id=\"item-{E(item.Number)}\"><h2><span class=\"num\">{E(item.Number)}</span>{E(japanese ? item.Title.Ja : item.Title.En)}")
            .Append(japanese ? $"<span class=\"en\">{E(item.Title.En)}</span>" : string.Empty)
            .Append(CultureInfo.InvariantCulture, $"</h2><table><thead><tr><th>{E(t.Check)}</th><th>{E(t.ResultHeading)}</th><th>{E(t.Evidence)}</th><th>{E(t.CheckedAt)}</th></tr></thead><tbody>");
        foreach (var check in item.Checks)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(check.Name)}</td><td class=\"badge r-{E(check.Result)}\">{E(t.Result(check.Result))}</td><td class=\"evidence\"><dl>");
            foreach (var (key, value) in check.Evidence)
            {
                html.Append(CultureInfo.InvariantCulture, $"<dt>{E(key)}</dt><dd>{E(value)}</dd>");
            }

            html.Append(CultureInfo.InvariantCulture, $"</dl></td><td>{E(ReportBuilder.Time(check.CheckedAt))}</td></tr>");
        }

        html.Append("</tbody></table></section>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private sealed class Labels(bool ja)
    {
        public string Title => ja ? "コンプライアンス証跡レポート" : "Compliance evidence report";
        public string Generated => ja ? "作成日時" : "Generated";
        public string Stage => ja ? "ステージ" : "Stage";
        public string Region => ja ? "リージョン" : "Region";
        public string ReportId => ja ? "レポートID" : "Report id";
        public string Overview => ja ? "項目ごとの結果の概要" : "Results per item";
        public string Items => ja ? "項目" : "Items";
        public string Checks => ja ? "チェック" : "Checks";
        public string Check => ja ? "チェック" : "Check";
        public string ResultHeading => ja ? "結果" : "Result";
        public string Evidence => ja ? "証跡" : "Evidence";
        public string CheckedAt => ja ? "確認日時 (UTC)" : "Checked at (UTC)";
        public string SignedBy => ja ? "この内容のJSON版は監査署名鍵で署名されています:" : "The JSON form of this report is signed by the audit signing key";
        public string Verify => ja
            ? "検証: GET /v1/compliance/report (application/json) を保存し、GET /v1/audit/signing-key の公開鍵で openssl により検証します (docs/ja/compliance.md)。"
            : "To verify: save GET /v1/compliance/report as application/json and check it with openssl against the public key of GET /v1/audit/signing-key (docs/compliance.md).";

        public string Result(string result) => result switch
        {
            CheckResult.Pass => ja ? "適合" : "pass",
            CheckResult.Fail => ja ? "不適合" : "fail",
            CheckResult.Attention => ja ? "要確認" : "attention",
            CheckResult.Attested => ja ? "証明済み" : "attested",
            _ => ja ? "対象外" : "not applicable",
        };
    }
}
