using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace OmakaseRobo.Api.Platform.Text;

/// <summary>
/// Unicode NFKC (UAX #15) in managed code. The app runs with InvariantGlobalization, where string.Normalize returns its
/// input unchanged, so the tables come with the app (Resources/nfkc.txt, generated from the Unicode Character Database:
/// full compatibility decompositions, canonical combining classes, primary composites); Hangul is algorithmic.
/// </summary>
internal static class Nfkc
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7, LCount = 19, VCount = 21, TCount = 28;
    private const int NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Lazy<Tables> Data = new(Tables.Load);

    public static string Normalize(string value)
    {
        if (value.All(char.IsAscii))
        {
            return value;
        }

        var tables = Data.Value;
        var points = new List<int>(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            Decompose(rune.Value, tables, points);
        }

        Reorder(points, tables);
        Compose(points, tables);
        var result = new StringBuilder(points.Count);
        foreach (var point in points)
        {
            result.Append(char.ConvertFromUtf32(point));
        }

        return result.ToString();
    }

    private static void Decompose(int point, Tables tables, List<int> output)
    {
        if (point is >= SBase and < SBase + SCount)
        {
            var index = point - SBase;
            output.Add(LBase + (index / NCount));
            output.Add(VBase + (index % NCount / TCount));
            if (index % TCount != 0)
            {
                output.Add(TBase + (index % TCount));
            }
        }
        else if (tables.Decompositions.TryGetValue(point, out var decomposition))
        {
            output.AddRange(decomposition);
        }
        else
        {
            output.Add(point);
        }
    }

    /// <summary>Canonical ordering: a stable sort of each run of non-starters by combining class.</summary>
    private static void Reorder(List<int> points, Tables tables)
    {
        for (var i = 1; i < points.Count; i++)
        {
            var ccc = tables.CombiningClass(points[i]);
            if (ccc == 0)
            {
                continue;
            }

            for (var j = i; j > 0 && tables.CombiningClass(points[j - 1]) > ccc; j--)
            {
                (points[j - 1], points[j]) = (points[j], points[j - 1]);
            }
        }
    }

    /// <summary>Canonical composition: each character joins the last starter unless blocked.</summary>
    private static void Compose(List<int> points, Tables tables)
    {
        if (points.Count == 0)
        {
            return;
        }

        var starter = 0;
        var lastClass = tables.CombiningClass(points[0]) == 0 ? 0 : 256;
        var write = 1;
        for (var read = 1; read < points.Count; read++)
        {
            var point = points[read];
            var ccc = tables.CombiningClass(point);
            var blocked = lastClass != 0 && lastClass >= ccc;
            if (lastClass != 256 && !blocked && TryCompose(points[starter], point, tables) is { } composite && (lastClass == 0 || lastClass < ccc))
            {
                points[starter] = composite;
                continue;
            }

            if (ccc == 0)
            {
                starter = write;
                lastClass = 0;
            }
            else
            {
                lastClass = ccc;
            }

            points[write++] = point;
        }

        points.RemoveRange(write, points.Count - write);
    }

    private static int? TryCompose(int first, int second, Tables tables)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
        {
            return SBase + ((((first - LBase) * VCount) + (second - VBase)) * TCount);
        }

        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
        {
            return first + (second - TBase);
        }

        return tables.Composites.TryGetValue(((long)first << 21) | (uint)second, out var composite) ? composite : null;
    }

    private sealed record Tables(FrozenDictionary<int, int[]> Decompositions, FrozenDictionary<int, int> Classes, FrozenDictionary<long, int> Composites)
    {
        public int CombiningClass(int point) => Classes.TryGetValue(point, out var ccc) ? ccc : 0;

        public static Tables Load()
        {
            using var stream = typeof(Nfkc).Assembly.GetManifestResourceStream("OmakaseRobo.Api.nfkc.txt")
                ?? throw new InvalidOperationException("The NFKC tables are missing from the assembly.");
            using var reader = new StreamReader(stream);
            var decompositions = new Dictionary<int, int[]>();
            var classes = new Dictionary<int, int>();
            var composites = new Dictionary<long, int>();
            while (reader.ReadLine() is { } line)
            {
                var parts = line.Split(' ');
                switch (parts[0])
                {
                    case "D":
                        decompositions[Hex(parts[1])] = [.. parts.Skip(2).Select(Hex)];
                        break;
                    case "C":
                        classes[Hex(parts[1])] = int.Parse(parts[2], CultureInfo.InvariantCulture);
                        break;
                    case "P":
                        composites[((long)Hex(parts[1]) << 21) | (uint)Hex(parts[2])] = Hex(parts[3]);
                        break;
                }
            }

            return new Tables(decompositions.ToFrozenDictionary(), classes.ToFrozenDictionary(), composites.ToFrozenDictionary());
        }

        private static int Hex(string value) => int.Parse(value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
