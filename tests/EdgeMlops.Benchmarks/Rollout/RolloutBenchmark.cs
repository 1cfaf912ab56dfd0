using System.Globalization;
using System.Security.Cryptography;

namespace EdgeMlops.Benchmarks.Rollout;

/// <summary>
/// <c>bench rollout [--second DIR] [--phase-seconds S] [--swap-rounds N] [--cameras C] [--fps F] [--crops K] [--file PATH]
/// [--file-mb N] [--rounds R] [--runs N] [--devices D]</c>: the figures a rollout is judged against, each beside the limit
/// measured in the same run. (a) frame latency p99 through the agent's batcher in phases with one hot swap, against the
/// steady phase before it, and frames dropped; (b) a bare HTTP download loop (the limit for the fleet's download);
/// (c) registry validation time per package with the hub's <c>ModelRegistration</c>; (d) a rollout to D simulated
/// devices on the real hub and its embedded broker.
/// </summary>
public static class RolloutBenchmark
{
    private const string Usage =
        "usage: bench rollout [--second PACKAGE_DIR (e.g. a 6-label model from `cloud-hub model bootstrap --backbone pyramid`)] " +
        "[--phase-seconds S (3)] [--swap-rounds N (8)] [--cameras C (4)] [--fps F (25)] [--crops K (4)] [--file PATH | --file-mb N (64)] " +
        "[--rounds R (5)] [--runs N (5)] [--devices D (100)]";

    public static int Run(string[] args)
    {
        var seed = "models/vehicle-classifier";
        var keys = "models/keys";
        string? second = null, file = null;
        int phaseSeconds = 3, swapRounds = 8, cameras = 4, fps = 25, crops = 4, fileMb = 64, rounds = 5, runs = 5, devices = 100;
        for (var i = 0; i < args.Length; i++)
        {
            int Number() => i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n : throw new ArgumentException($"{args[i - 1]} needs a positive whole number");
            string Text() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--second": second = Text(); break;
                case "--phase-seconds": phaseSeconds = Number(); break;
                case "--swap-rounds": swapRounds = Number(); break;
                case "--cameras": cameras = Number(); break;
                case "--fps": fps = Number(); break;
                case "--crops": crops = Number(); break;
                case "--file": file = Text(); break;
                case "--file-mb": fileMb = Number(); break;
                case "--rounds": rounds = Number(); break;
                case "--runs": runs = Number(); break;
                case "--devices": devices = Number(); break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        foreach (var package in second is null ? [seed] : new[] { seed, second })
        {
            if (!Directory.Exists(package))
            {
                Console.Error.WriteLine($"package directory '{package}' does not exist (run from the repository root; build a second one with `./edge-mlops hub model bootstrap --backbone pyramid --labels car,van,truck,bus,motorcycle,pickup --input-size 96 --version 2.0.0 --gate 0.8 --out DIR`)");
                return 2;
            }
        }
        if (file is not null && !File.Exists(file))
        {
            Console.Error.WriteLine($"--file '{file}' does not exist");
            return 2;
        }
        var settings = new Settings(seed, second, keys, TimeSpan.FromSeconds(phaseSeconds), swapRounds, cameras, fps, crops, file, fileMb, rounds, runs, devices);
        return RunAsync(settings).GetAwaiter().GetResult();
    }

    private sealed record Settings(string Seed, string? Second, string Keys, TimeSpan Phase, int SwapRounds, int Cameras, int Fps, int Crops,
        string? File, int FileMb, int Rounds, int Runs, int Devices);

    private static async Task<int> RunAsync(Settings s)
    {
        var scratch = Directory.CreateTempSubdirectory("edgemlops-bench-rollout-").FullName;
        static void Progress(string line) => Console.Error.WriteLine(line);
        try
        {
            IReadOnlyList<string> packages = s.Second is null ? [s.Seed] : [s.Seed, s.Second];
            Progress($"(a) hot swap: {s.Cameras} cameras x {s.Fps} fps x {s.Crops} crops; {s.SwapRounds} rounds of a {s.Phase.TotalSeconds:F0} s steady phase and a {s.Phase.TotalSeconds:F0} s phase with one swap, between {string.Join(" and ", packages)}");
            var swaps = await new SwapLatencyProbe(packages, s.Keys, s.Cameras, s.Fps, s.Crops).RunAsync(s.Phase, s.SwapRounds, Progress, CancellationToken.None);

            var file = s.File ?? WriteRandomFile(Path.Combine(scratch, "package-file.bin"), s.FileMb);
            Progress($"(b) bare download loop of {file} ({new FileInfo(file).Length / 1e6:F1} MB), {s.Rounds} rounds per client");
            var downloads = await new DownloadLoopProbe(file, scratch).RunAsync([1, 10], s.Rounds, CancellationToken.None);

            Progress($"(c) registry validation with the hub's ModelRegistration, {s.Runs} runs per package");
            var validation = new RegistryValidationProbe(s.Keys, scratch);
            var validations = new List<ValidationFigure>();
            foreach (var package in packages)
                validations.Add(await validation.RunAsync(package, s.Runs, CancellationToken.None));

            var fleetPackage = packages[^1];
            Progress($"(d) fleet: a rollout of {fleetPackage} to {s.Devices} simulated devices on the hub's embedded broker");
            var fleet = await new FleetRolloutProbe(fleetPackage, s.Keys, s.Devices, scratch).RunAsync(Progress, CancellationToken.None);
            Progress($"(d) the limit: bare download loop of the same file, {fleet.LargestFile} ({new FileInfo(fleet.LargestFile).Length / 1e6:F2} MB)");
            var fleetLimit = await new DownloadLoopProbe(fleet.LargestFile, scratch).RunAsync([1, 10, s.Devices], s.Rounds, CancellationToken.None);
            var packageFiles = FleetRolloutProbe.PackageFiles(fleetPackage);
            Progress($"(d) the limit per device: bare loop of the whole package, its {packageFiles.Count} files one after another, then the same flushing each file to disk as the agent does");
            var packageLimit = await new DownloadLoopProbe(packageFiles, scratch).RunAsync([1, s.Devices], s.Rounds, CancellationToken.None);
            var packageFlushed = await new DownloadLoopProbe(packageFiles, scratch, flushToDisk: true).RunAsync([1, s.Devices], 1, CancellationToken.None);

            Print(swaps, downloads, validations, fleet, fleetLimit, [.. packageLimit.Select(d => ("bare", d)), .. packageFlushed.Select(d => ("bare + fsync per file", d))], packageFiles.Count);
            return 0;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static void Print(IReadOnlyList<SwapRound> swaps, IReadOnlyList<DownloadFigure> downloads, IReadOnlyList<ValidationFigure> validations,
        FleetFigure fleet, IReadOnlyList<DownloadFigure> fleetLimit, IReadOnlyList<(string Kind, DownloadFigure Figure)> packageLimits, int packageFileCount)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"rollout benchmark, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine($"{"round",5} {"steady p99",11} {"swap p99",9} {"ratio",6} {"load ms",8} {"dropped",8} {"mixed",6}");
        for (int i = 0; i < swaps.Count; i++)
        {
            var r = swaps[i];
            Console.WriteLine(string.Create(inv, $"{i + 1,5} {r.Steady.Latency.P99,11:F1} {r.Swap.Latency.P99,9:F1} {r.P99Ratio,6:F2} {r.LoadMilliseconds,8:F0} {r.DroppedBySwap,8} {r.Swap.MixedFrames,6}"));
        }
        var ratios = swaps.Select(r => r.P99Ratio).Order().ToList();
        long dropped = swaps.Sum(r => r.DroppedBySwap);
        int mixed = swaps.Sum(r => r.Swap.MixedFrames + r.Steady.MixedFrames);
        Console.WriteLine(string.Create(inv, $"hot swap: p99 with one swap / steady p99: median {Median(ratios):F2}, min {ratios[0]:F2}, max {ratios[^1]:F2} over {swaps.Count} swaps (aim <= 1.5); frames dropped by the swaps {dropped} (aim 0); frames whose probabilities do not match their model {mixed}"));
        foreach (var d in downloads)
            Console.WriteLine(string.Create(inv, $"bare download, {d.Parallel} client(s): {d.MegabytesPerSecond:F0} MB/s in all, median {d.MedianSecondsPerFile * 1000:F0} ms per {d.FileBytes / 1e6:F1} MB file"));
        foreach (var v in validations)
            Console.WriteLine(string.Create(inv, $"registry validation of {v.Package}: median {v.MedianMilliseconds:F0} ms (min {v.MinMilliseconds:F0}, max {v.MaxMilliseconds:F0}) over {v.Runs} runs ({v.Steps})"));
        var limit = fleetLimit.Single(d => d.Parallel == fleet.Devices);
        Console.WriteLine(string.Create(inv, $"fleet: rollout of {fleet.Version} to {fleet.Devices} devices completed in {fleet.Seconds:F1} s (aim < 30 s); last device active at {fleet.LastActiveSeconds:F1} s; {fleet.Stages} stages (canary {FleetRolloutProbe.Canary}, waves from {FleetRolloutProbe.WaveBase} x{FleetRolloutProbe.WaveFactor}, window {FleetRolloutProbe.Window.TotalSeconds:F0} s), hub tick {fleet.TickSeconds:F0} s"));
        Console.WriteLine(string.Create(inv, $"fleet download: {fleet.Bytes / 1e6:F1} MB in all; {fleet.MegabytesPerSecondWhileDownloading:F1} MB/s while any box was downloading, {fleet.MegabytesPerSecondOverRollout:F2} MB/s over the whole rollout; median {fleet.MedianDownloadMs:F0} ms per device (manifest + files + install)"));
        foreach (var d in fleetLimit)
            Console.WriteLine(string.Create(inv, $"bare download of the same file ({d.FileBytes / 1e6:F2} MB), {d.Parallel} client(s): {d.MegabytesPerSecond:F1} MB/s in all, median {d.MedianSecondsPerFile * 1000:F1} ms per file"));
        foreach (var (kind, d) in packageLimits)
            Console.WriteLine(string.Create(inv, $"bare download of the whole package ({packageFileCount} files, {d.FileBytes / 1e6:F2} MB), {kind}, {d.Parallel} client(s): {d.MegabytesPerSecond:F1} MB/s in all, median {d.MedianSecondsPerFile * 1000:F1} ms per package"));
        var packageBare = packageLimits.First(p => p.Figure.Parallel == fleet.Devices).Figure;
        var packageFsync = packageLimits.Last(p => p.Figure.Parallel == fleet.Devices).Figure;
        Console.WriteLine(string.Create(inv, $"fleet download rate (while any box downloads) / bare loop of the same file with {limit.Parallel} clients: {fleet.MegabytesPerSecondWhileDownloading / limit.MegabytesPerSecond:F3}; / bare package loop with {packageBare.Parallel} clients: {fleet.MegabytesPerSecondWhileDownloading / packageBare.MegabytesPerSecond:F3}; / the same flushing each file: {fleet.MegabytesPerSecondWhileDownloading / packageFsync.MegabytesPerSecond:F3}"));
        Console.WriteLine(string.Create(inv, $"per-device download (manifest + files + install) {fleet.MedianDownloadMs:F0} ms vs bare package {packageBare.MedianSecondsPerFile * 1000:F0} ms ({fleet.MedianDownloadMs / (packageBare.MedianSecondsPerFile * 1000):F1}x), flushing each file {packageFsync.MedianSecondsPerFile * 1000:F0} ms ({fleet.MedianDownloadMs / (packageFsync.MedianSecondsPerFile * 1000):F1}x), all at {fleet.Devices} clients"));
        Console.WriteLine(string.Create(inv, $"hub: {fleet.HubCpuSeconds:F2} CPU s over the rollout ({fleet.HubCpuSeconds / fleet.Seconds * 100:F0}% of a core; ~{fleet.HubCpuSeconds / Math.Max(1, fleet.Seconds / fleet.TickSeconds) * 1000:F0} ms CPU per {fleet.TickSeconds:F0} s tick, ingest and downloads included)"));
        var json = string.Create(inv,
            $"{{\"swap\":{{\"ratioMedian\":{Median(ratios):F3},\"ratioMin\":{ratios[0]:F3},\"ratioMax\":{ratios[^1]:F3},\"swaps\":{swaps.Count},\"droppedBySwap\":{dropped},\"mixedFrames\":{mixed},\"steadyP99Ms\":[{string.Join(",", swaps.Select(r => r.Steady.Latency.P99.ToString("F2", inv)))}],\"swapP99Ms\":[{string.Join(",", swaps.Select(r => r.Swap.Latency.P99.ToString("F2", inv)))}]}}," +
            $"\"bareDownload\":[{string.Join(",", downloads.Select(d => string.Create(inv, $"{{\"clients\":{d.Parallel},\"megabytesPerSecond\":{d.MegabytesPerSecond:F1},\"fileBytes\":{d.FileBytes}}}")))}]," +
            $"\"registryValidationMs\":[{string.Join(",", validations.Select(v => v.MedianMilliseconds.ToString("F1", inv)))}]," +
            $"\"fleet\":{{\"devices\":{fleet.Devices},\"seconds\":{fleet.Seconds:F2},\"megabytesPerSecond\":{fleet.MegabytesPerSecondWhileDownloading:F2},\"bareMegabytesPerSecond\":{limit.MegabytesPerSecond:F2},\"barePackageMegabytesPerSecond\":{packageBare.MegabytesPerSecond:F2},\"barePackageFsyncMegabytesPerSecond\":{packageFsync.MegabytesPerSecond:F2},\"medianDeviceDownloadMs\":{fleet.MedianDownloadMs:F1},\"hubCpuSeconds\":{fleet.HubCpuSeconds:F2}}}}}");
        Console.WriteLine(json);
    }

    private static double Median(IReadOnlyList<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

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
