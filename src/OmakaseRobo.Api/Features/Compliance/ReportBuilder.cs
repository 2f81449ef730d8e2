using System.Globalization;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>Collects the checks of one report run, item by item, and assembles them in the guideline's order.</summary>
internal sealed class ReportBuilder(TimeProvider clock)
{
    private readonly Dictionary<string, List<ComplianceCheck>> checks = new(StringComparer.Ordinal);

    public DateTimeOffset Now { get; } = clock.GetUtcNow();

    public void Add(string item, string name, string result, Dictionary<string, string> evidence)
    {
        if (!checks.TryGetValue(item, out var list))
        {
            checks[item] = list = [];
        }

        list.Add(new ComplianceCheck(name, result, evidence, clock.GetUtcNow()));
    }

    public ComplianceReport Build(string? reportId, string stage, string region)
    {
        var items = Guideline.Items.Select(item =>
        {
            var itemChecks = checks.TryGetValue(item.Number, out var list) ? list : [];
            return new ComplianceItem(item.Number, new ItemTitle(item.TitleJa, item.TitleEn), CheckResult.Worst(itemChecks.Select(c => c.Result)), itemChecks);
        }).ToList();
        var all = items.SelectMany(i => i.Checks).ToList();
        int Count(string result) => all.Count(c => c.Result == result);
        var summary = new ComplianceSummary(
            items.Count, all.Count, Count(CheckResult.Pass), Count(CheckResult.Fail), Count(CheckResult.Attention), Count(CheckResult.Attested), Count(CheckResult.NotApplicable));
        return new ComplianceReport(reportId, Now, stage, region, items, summary);
    }

    public static string Time(DateTimeOffset? time) => time?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never";

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Days(TimeSpan span) => span.TotalDays.ToString("0.#", CultureInfo.InvariantCulture);
}
