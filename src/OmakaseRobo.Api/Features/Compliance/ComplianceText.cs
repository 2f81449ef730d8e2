using System.Globalization;
using System.Text;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>The report as plain text for a terminal: one line per check, the evidence indented below it.</summary>
internal static class ComplianceText
{
    public static string Render(ComplianceReport report)
    {
        var text = new StringBuilder();
        var s = report.Summary;
        text.AppendLine(CultureInfo.InvariantCulture, $"Compliance evidence report, generated {ReportBuilder.Time(report.GeneratedAt)}, stage {report.Stage}, region {report.Region}")
            .AppendLine(CultureInfo.InvariantCulture, $"{s.Items} items, {s.Checks} checks: {s.Pass} pass, {s.Fail} fail, {s.Attention} attention, {s.Attested} attested, {s.NotApplicable} not applicable")
            .AppendLine();
        foreach (var item in report.Items)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{item.Number,-10} {item.Result.ToUpperInvariant(),-15} {item.Title.En} / {item.Title.Ja}");
            foreach (var check in item.Checks)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    {check.Result,-15} {check.Name}");
                foreach (var (key, value) in check.Evidence)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"        {key}: {value}");
                }
            }
        }

        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Signed {report.Signature?.Algorithm} by {report.Signature?.KeyId} (verify the JSON form: docs/compliance.md)");
        return text.ToString();
    }
}
