using System.Text.RegularExpressions;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Architecture;

/// <summary>The shape of the house, kept true: areas depend one way, Platform on no area, no file over 300 lines.</summary>
public sealed partial class ArchitectureTests
{
    private const string FeaturesNamespace = "OmakaseRobo.Api.Features.";

    [Fact]
    public void Platform_imports_no_feature()
    {
        var offenders = SourceFiles("src/OmakaseRobo.Api/Platform")
            .Where(f => File.ReadAllText(f).Contains(FeaturesNamespace, StringComparison.Ordinal))
            .Select(Relative)
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void Areas_depend_on_each_other_one_way_only()
    {
        var graph = AreaGraph();
        Assert.NotEmpty(graph);
        var cycle = FindCycle(graph);
        Assert.True(cycle is null, $"areas depend on each other in a circle: {string.Join(" -> ", cycle ?? [])}");
    }

    [Fact]
    public void No_source_file_is_over_300_lines()
    {
        var offenders = SourceFiles("src").Concat(SourceFiles("infra"))
            .Select(f => (File: Relative(f), Lines: File.ReadAllLines(f).Length))
            .Where(f => f.Lines > 300)
            .Select(f => $"{f.File} ({f.Lines})")
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void Table_keys_are_spelled_only_in_the_key_catalogues()
    {
        var catalogues = new[] { "MainItems.cs", "AuditItems.cs", "ExpiryIndex.cs" }; // the expiry index owns its own gsi2 keys
        var offenders = SourceFiles("src/OmakaseRobo.Api")
            .Where(f => !catalogues.Contains(Path.GetFileName(f)))
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal) && KeyLiteral().IsMatch(l.Text))
            .Select(l => $"{Relative(l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void The_app_exposes_only_its_entry_point_and_writes_no_null_checks_the_compiler_makes()
    {
        // One assembly: its types are internal (the tests see them through InternalsVisibleTo); nullable reference types
        // are on, so ArgumentNullException.ThrowIfNull says nothing the compiler does not already enforce.
        var offenders = SourceFiles("src/OmakaseRobo.Api")
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => (PublicType().IsMatch(l.Text) && !l.Text.StartsWith("public partial class Program", StringComparison.Ordinal))
                || l.Text.Contains("ArgumentNullException.ThrowIfNull", StringComparison.Ordinal))
            .Select(l => $"{Relative(l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.Empty(offenders);
    }

    /// <summary>The test folders that are no src area: each tests a property of the whole app, or helps every test.</summary>
    private static readonly string[] CrossCuttingTestFolders = ["Architecture", "FirstHour", "Hardening", "Reliability", "Infrastructure"];

    [Fact]
    public void A_test_folder_is_an_area_or_a_cross_cutting_folder_and_its_namespace_is_its_name()
    {
        // docs/architecture.md: a test goes in the folder of the area (Features/<Area>, or Platform) whose code it tests,
        // unless it is about the whole app; the folder is its namespace, as in src.
        var project = Path.Combine(RepositoryFiles.Root(), "tests/OmakaseRobo.Tests");
        var allowed = Directory.GetDirectories(Path.Combine(RepositoryFiles.Root(), "src/OmakaseRobo.Api/Features"))
            .Select(d => Path.GetFileName(d))
            .Append("Platform")
            .Concat(CrossCuttingTestFolders)
            .ToHashSet(StringComparer.Ordinal);
        var files = SourceFiles("tests/OmakaseRobo.Tests").Select(f => (Source: f, Folder: Path.GetRelativePath(project, Path.GetDirectoryName(f)!))).ToList();
        var folders = files.Select(f => f.Folder.Split(Path.DirectorySeparatorChar)[0]).Where(f => f != ".").Distinct(StringComparer.Ordinal).ToList();
        var offenders = folders.Where(d => !allowed.Contains(d)).Select(d => $"{d}/ is neither a Features area, Platform nor a cross-cutting folder").ToList();
        foreach (var (file, folder) in files)
        {
            var expected = "OmakaseRobo.Tests." + folder.Replace(Path.DirectorySeparatorChar, '.');
            var declared = FileNamespace().Match(File.ReadAllText(file)) is { Success: true } m ? m.Groups[1].Value : "(none)";
            if (folder == ".")
            {
                offenders.Add($"{Relative(file)} is in no folder");
            }
            else if (declared != expected)
            {
                offenders.Add($"{Relative(file)}: namespace {declared}, not {expected}");
            }
        }

        Assert.Contains("Architecture", folders);
        Assert.Empty(offenders);
    }

    /// <summary>For each area, the other areas it names (by using directive or fully qualified name).</summary>
    internal static Dictionary<string, HashSet<string>> AreaGraph()
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var root = Path.Combine(RepositoryFiles.Root(), "src/OmakaseRobo.Api/Features");
        foreach (var areaDir in Directory.GetDirectories(root))
        {
            var area = Path.GetFileName(areaDir);
            var uses = graph.TryGetValue(area, out var existing) ? existing : graph[area] = [];
            foreach (var file in Directory.EnumerateFiles(areaDir, "*.cs", SearchOption.AllDirectories))
            {
                foreach (Match m in FeatureReference().Matches(File.ReadAllText(file)))
                {
                    if (m.Groups[1].Value != area)
                    {
                        uses.Add(m.Groups[1].Value);
                    }
                }
            }
        }

        return graph;
    }

    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();

        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    return [.. path.SkipWhile(n => n != next), next];
                }

                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found)
                {
                    return found;
                }
            }

            state[node] = 2;
            path.RemoveAt(path.Count - 1);
            return null;
        }

        return graph.Keys.Where(n => state.GetValueOrDefault(n) == 0).Select(Visit).FirstOrDefault(c => c is not null);
    }

    private static IEnumerable<string> SourceFiles(string relative) =>
        Directory.EnumerateFiles(Path.Combine(RepositoryFiles.Root(), relative), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal));

    private static string Relative(string path) => Path.GetRelativePath(RepositoryFiles.Root(), path);

    [GeneratedRegex(@"^public (?:(?:sealed|static|abstract|readonly|partial|record)\s+)*(?:class|record|enum|interface|struct)\b")]
    private static partial Regex PublicType();

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    [GeneratedRegex(@"OmakaseRobo\.Api\.Features\.(\w+)")]
    private static partial Regex FeatureReference();

    /// <summary>A string literal that spells a key: an upper-case prefix with '#' (TENANT#, "#TENANT", AUDIT-DAY#).</summary>
    [GeneratedRegex("\\$?\"(?:[A-Z][A-Z-]+#|#[A-Z]{3,}\")")]
    private static partial Regex KeyLiteral();
}
