using System.Diagnostics;
using System.Globalization;

/// <summary>
/// One bare bcrypt verification in the app's mode (enhanced, SHA-384 pre-hash), the floor of a sign-in:
///   dotnet run -c Release --project tests/OmakaseRobo.Benchmarks -- bcrypt [cost] [runs]
/// </summary>
internal static class BareBcrypt
{
    public static void Run(string[] args)
    {
        var cost = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 12;
        var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
        var hash = BCrypt.Net.BCrypt.EnhancedHashPassword("Harbour-Lantern-7Qz", BCrypt.Net.HashType.SHA384, cost);
        BCrypt.Net.BCrypt.EnhancedVerify("Harbour-Lantern-7Qz", hash, BCrypt.Net.HashType.SHA384); // warm-up
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            BCrypt.Net.BCrypt.EnhancedVerify("Harbour-Lantern-7Qz", hash, BCrypt.Net.HashType.SHA384);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bare bcrypt verify, cost {cost}: p50 {times[times.Count / 2]:0.0} ms over {runs} runs"));
    }
}
