using System.Globalization;
using System.Security.Cryptography;

namespace EdgeMlops.Benchmarks.Rollout;

/// <summary>
/// <c>bench rollout [--second DIR] [--seconds S] [--cameras C] [--fps F] [--crops K] [--swap-every-ms M] [--file PATH]
/// [--file-mb N] [--rounds R] [--runs N]</c>: the figures a rollout is judged against. (a) frame latency p99 through
/// the agent's batcher while models are hot-swapped, against steady state, and frames dropped; (b) a bare HTTP
/// download loop of a package-sized file (MB/s, 1 and 10 clients), the limit for the rollout's download; (c) registry
/// validation time per package. The fleet part (100 simulated devices through a real rollout) joins once the
/// registry and rollout are merged.
/// </summary>
public static class RolloutBenchmark
{
    /// <summary>Each swap phase is split into this many slices, run in turn with the others (see <see cref="SwapLatencyProbe.RunAsync"/>).</summary>
    private const int PhaseRounds = 3;

    private const string Usage =
        "usage: bench rollout [--second PACKAGE_DIR (e.g. a 6-label model from `cloud-hub model bootstrap --backbone pyramid`)] " +
        "[--seconds S (10)] [--cameras C (4)] [--fps F (25)] [--crops K (4)] [--swap-every-ms M (250)] [--file PATH | --file-mb N (64)] [--rounds R (5)] [--runs N (10)]";

    public static int Run(string[] args)
    {
        var seed = "models/vehicle-classifier";
        var keys = "models/keys";
        string? second = null, file = null;
        int seconds = 10, cameras = 4, fps = 25, crops = 4, swapEveryMs = 250, fileMb = 64, rounds = 5, runs = 10;
        for (var i = 0; i < args.Length; i++)
        {
            int Number() => i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n : throw new ArgumentException($"{args[i - 1]} needs a positive whole number");
            string Text() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--second": second = Text(); break;
                case "--seconds": seconds = Number(); break;
                case "--cameras": cameras = Number(); break;
                case "--fps": fps = Number(); break;
                case "--crops": crops = Number(); break;
                case "--swap-every-ms": swapEveryMs = Number(); break;
                case "--file": file = Text(); break;
                case "--file-mb": fileMb = Number(); break;
                case "--rounds": rounds = Number(); break;
                case "--runs": runs = Number(); break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        foreach (var package in second is null ? [seed] : new[] { seed, second })
        {
            if (!Directory.Exists(package) && !File.Exists(package))
            {
                Console.Error.WriteLine($"package '{package}' does not exist (run from the repository root; build a second one with `./edge-mlops hub model bootstrap --backbone pyramid --labels car,van,truck,bus,motorcycle,pickup --version 2.0.0 --gate 0.8 --out DIR`)");
                return 2;
            }
        }
        if (file is not null && !File.Exists(file))
        {
            Console.Error.WriteLine($"--file '{file}' does not exist");
            return 2;
        }
        return RunAsync(seed, second, keys, seconds, cameras, fps, crops, swapEveryMs, file, fileMb, rounds, runs).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(string seed, string? second, string keys, int seconds, int cameras, int fps, int crops,
        int swapEveryMs, string? file, int fileMb, int rounds, int runs)
    {
        var scratch = Directory.CreateTempSubdirectory("edgemlops-bench-rollout-").FullName;
        try
        {
            IReadOnlyList<string> packages = second is null ? [seed] : [seed, second];
            Console.Error.WriteLine($"(a) hot swap: {cameras} cameras x {fps} fps x {crops} crops, {seconds} s each, in {PhaseRounds} interleaved slices: steady, swapping every {swapEveryMs} ms as loaded, swapping warmed-up sessions, between {string.Join(" and ", packages)}");
            var phases = await new SwapLatencyProbe(packages, keys, cameras, fps, crops, TimeSpan.FromMilliseconds(swapEveryMs))
                .RunAsync(TimeSpan.FromSeconds(seconds) / PhaseRounds, PhaseRounds, CancellationToken.None);

            file ??= WriteRandomFile(Path.Combine(scratch, "package-file.bin"), fileMb);
            Console.Error.WriteLine($"(b) bare download loop of {file} ({new FileInfo(file).Length / 1e6:F1} MB), {rounds} rounds per client");
            var downloads = await new DownloadLoopProbe(file, scratch).RunAsync([1, 10], rounds, CancellationToken.None);

            Console.Error.WriteLine($"(c) registry validation, {runs} runs per package");
            var validation = new RegistryValidationProbe(keys);
            var validations = new List<ValidationFigure>();
            foreach (var package in packages)
                validations.Add(await validation.RunAsync(package, runs, CancellationToken.None));

            Print(phases, downloads, validations);
            return phases.Any(p => p.Classified == 0) ? 1 : 0;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static void Print(IReadOnlyList<SwapPhase> phases, IReadOnlyList<DownloadFigure> downloads, IReadOnlyList<ValidationFigure> validations)
    {
        var steady = phases[0];
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"rollout benchmark, {Environment.ProcessorCount} cores");
        Console.WriteLine($"{"phase",-10} {"frames",8} {"dropped",8} {"swaps",6} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8}");
        foreach (var p in phases)
            Console.WriteLine(string.Create(inv, $"{p.Name,-10} {p.Classified,8} {p.DroppedAtCapture,8} {p.Swaps,6} {p.Latency.P50,8:F1} {p.Latency.P95,8:F1} {p.Latency.P99,8:F1}"));
        var swaps = phases.Skip(1).Select(p => (p.Name, Ratio: p.Latency.P99 / steady.Latency.P99, Dropped: Math.Max(0, p.DroppedAtCapture - steady.DroppedAtCapture), p.MixedFrames, p.Swaps, p.Latency.P99)).ToList();
        foreach (var s in swaps)
            Console.WriteLine(string.Create(inv, $"{s.Name}: p99 / steady {s.Ratio:F2} (aim <= 1.5); frames dropped by the swap {s.Dropped} (aim 0); frames whose probabilities do not match their model {s.MixedFrames}"));
        foreach (var d in downloads)
            Console.WriteLine(string.Create(inv, $"bare download, {d.Parallel} client(s): {d.MegabytesPerSecond:F0} MB/s in all, median {d.MedianSecondsPerFile * 1000:F0} ms per {d.FileBytes / 1e6:F1} MB file"));
        foreach (var v in validations)
            Console.WriteLine(string.Create(inv, $"registry validation of {v.Package}: median {v.MedianMilliseconds:F0} ms over {v.Runs} runs ({v.Steps})"));
        var json = string.Create(inv,
            $"{{\"steadyP99Ms\":{steady.Latency.P99:F2},\"swap\":[{string.Join(",", swaps.Select(s => string.Create(inv, $"{{\"phase\":\"{s.Name}\",\"p99Ms\":{s.P99:F2},\"ratio\":{s.Ratio:F3},\"swaps\":{s.Swaps},\"droppedBySwap\":{s.Dropped},\"mixedFrames\":{s.MixedFrames}}}")))}]," +
            $"\"bareDownload\":[{string.Join(",", downloads.Select(d => string.Create(inv, $"{{\"clients\":{d.Parallel},\"megabytesPerSecond\":{d.MegabytesPerSecond:F1},\"fileBytes\":{d.FileBytes}}}")))}]," +
            $"\"registryValidationMs\":[{string.Join(",", validations.Select(v => string.Create(inv, $"{v.MedianMilliseconds:F1}")))}]}}");
        Console.WriteLine(json);
    }

    /// <summary>Incompressible bytes, so no layer can make the download look faster than the network path is.</summary>
    private static string WriteRandomFile(string path, int megabytes)
    {
        using var output = File.Create(path);
        var buffer = new byte[1 << 20];
        for (int i = 0; i < megabytes; i++)
        {
            RandomNumberGenerator.Fill(buffer);
            output.Write(buffer);
        }
        return path;
    }
}
