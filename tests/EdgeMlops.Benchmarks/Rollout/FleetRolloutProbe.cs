using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeMlops.Benchmarks.Sync;
using EdgeMlops.Messaging;

namespace EdgeMlops.Benchmarks.Rollout;

/// <summary>
/// The fleet figure: wall time from creating the rollout to the hub calling it completed, the devices' download rate,
/// the largest package file (the bare download loop is run on it for the limit), the stages and the hub's CPU time.
/// </summary>
public sealed record FleetFigure(
    int Devices, string Version, double Seconds, double LastActiveSeconds, long Bytes, double MegabytesPerSecondOverRollout,
    double MegabytesPerSecondWhileDownloading, double MedianDownloadMs, string LargestFile, int Stages, double HubCpuSeconds,
    double TickSeconds, IReadOnlyList<(double Seconds, int Active)> Progress);

/// <summary>
/// A rollout to <c>devices</c> simulated boxes on the real hub (the built <c>cloud-hub serve</c> process with its
/// embedded broker): the package is registered with the operator CLI, the devices are enrolled through the API, each
/// runs as a <see cref="SimulatedBox"/>, and the rollout is created through <c>POST /api/rollouts</c> with an operator
/// token (canary, then doubling waves, a short window) and followed on <c>GET /api/rollouts/{id}</c>.
/// </summary>
public sealed class FleetRolloutProbe(string package, string publisherKeys, int devices, string scratchDirectory)
{
    /// <summary>The hub's default coordinator tick (<c>Hub:Rollout:Tick</c>); the benchmark keeps it.</summary>
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    public const int Canary = 2;
    public const int WaveBase = 10;
    public const double WaveFactor = 2;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    public async Task<FleetFigure> RunAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(scratchDirectory, "fleet-hub");
        var (started, _) = await BenchHub.StartEmbeddedAsync(directory, []);
        using var hub = started;
        using var registered = JsonDocument.Parse(await hub.CliAsync("model", "register", Path.GetFullPath(package), "--trust", Path.GetFullPath(publisherKeys)));
        var name = registered.RootElement.GetProperty("name").GetString()!;
        var version = registered.RootElement.GetProperty("version").GetString()!;
        var fleetKeys = Directory.CreateDirectory(Path.Combine(scratchDirectory, "fleet-keys")).FullName;
        await hub.CliAsync("fleet-key", "export", "--out", Path.Combine(fleetKeys, "fleet.pub.pem"));
        progress($"registered {name} {version}; enrolling {devices} devices");

        var ids = Enumerable.Range(1, devices).Select(i => $"box-{i:000}").ToList();
        var secrets = await hub.EnrollAsync(ids);
        var broker = BrokerAddress.Parse(hub.BrokerUrl, "the bench hub's broker", "the fleet benchmark");
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256 };
        // The boxes start on the seed's version, or on an older one when the seed itself is rolled out.
        var serving = version == "1.0.0" ? "0.9.0" : "1.0.0";
        var boxes = ids.Select(id => new SimulatedBox(id, secrets[id], serving, Path.Combine(scratchDirectory, "boxes", id), fleetKeys, handler)).ToList();
        try
        {
            foreach (var box in boxes)
                await box.StartAsync(broker, cancellationToken);
            progress($"{devices} devices connected, each reporting {serving}; creating the rollout of {version}");
            // Let the hub take in the first reports, so the rollout starts from a fleet it has heard from.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);

            using var hubProcess = Process.GetProcessById(hub.ProcessId);
            var cpuBefore = hubProcess.TotalProcessorTime;
            var createdAt = Stopwatch.GetTimestamp();
            var clock = Stopwatch.StartNew();
            using var created = await hub.Api.PostAsJsonAsync("api/rollouts", new Dictionary<string, object>
            {
                ["model"] = name,
                ["version"] = version,
                ["devices"] = ids,
                ["canary"] = Canary,
                ["waveBase"] = WaveBase,
                ["waveFactor"] = WaveFactor,
                ["window"] = Window.ToString("c", CultureInfo.InvariantCulture),
            }, cancellationToken);
            var body = await created.Content.ReadAsStringAsync(cancellationToken);
            if (!created.IsSuccessStatusCode)
                throw new InvalidOperationException($"POST /api/rollouts answered {(int)created.StatusCode}: {body}");
            long id;
            using (var rollout = JsonDocument.Parse(body))
                id = rollout.RootElement.GetProperty("id").GetInt64();

            var timeline = new List<(double Seconds, int Active)>();
            string state;
            int lastActive = -1;
            while (true)
            {
                using var view = JsonDocument.Parse(await hub.Api.GetStringAsync($"api/rollouts/{id}", cancellationToken));
                state = view.RootElement.GetProperty("state").GetString()!;
                int active = boxes.Count(b => b.Timeline is not null);
                bool finished = state is not ("pending" or "running" or "paused");
                if (active != lastActive || finished)
                {
                    timeline.Add((clock.Elapsed.TotalSeconds, active));
                    progress(string.Create(CultureInfo.InvariantCulture, $"  {clock.Elapsed.TotalSeconds,5:F1} s: rollout {state}, {active}/{devices} devices active"));
                    lastActive = active;
                }
                if (finished) break;
                if (clock.Elapsed > TimeSpan.FromMinutes(5))
                    throw new TimeoutException($"rollout {id} still {state} after 5 minutes: {view.RootElement}");
                await Task.Delay(100, cancellationToken);
            }
            var seconds = clock.Elapsed.TotalSeconds;
            hubProcess.Refresh();
            var hubCpu = (hubProcess.TotalProcessorTime - cpuBefore).TotalSeconds;
            if (state != "completed")
                throw new InvalidOperationException($"rollout {id} ended {state}; box failures: {string.Join("; ", boxes.Select(b => b.Failure).OfType<string>().Take(5))}");

            if (boxes.FirstOrDefault(b => b.Timeline is null) is { } behind)
                throw new InvalidOperationException($"rollout {id} completed but box {behind.DeviceId} did not finish its deployment: {behind.Failure ?? "no failure reported"}");
            var done = boxes.Select(b => b.Timeline!).ToList();
            var lastActiveAt = done.Max(t => t.ActiveAt);
            long bytes = done.Sum(t => t.Bytes);
            var perBox = done.Select(t => Stopwatch.GetElapsedTime(t.DownloadStarted, t.DownloadEnded).TotalMilliseconds).Order().ToList();
            var downloading = BusySeconds(done);
            return new FleetFigure(devices, version, seconds, Stopwatch.GetElapsedTime(createdAt, lastActiveAt).TotalSeconds, bytes,
                bytes / 1e6 / seconds, bytes / 1e6 / downloading, perBox[perBox.Count / 2], LargestFile(package),
                Stages(devices), hubCpu, Tick.TotalSeconds, timeline);
        }
        finally
        {
            foreach (var box in boxes)
                await box.DisposeAsync();
        }
    }

    /// <summary>Seconds in which at least one box was downloading: the fleet's rate is over these, not the waits between waves.</summary>
    private static double BusySeconds(IEnumerable<BoxTimeline> timelines)
    {
        double busy = 0;
        long? start = null, end = null;
        foreach (var t in timelines.OrderBy(t => t.DownloadStarted))
        {
            if (end is { } e && t.DownloadStarted <= e)
            {
                end = Math.Max(e, t.DownloadEnded);
                continue;
            }
            if (start is { } s) busy += Stopwatch.GetElapsedTime(s, end!.Value).TotalSeconds;
            (start, end) = (t.DownloadStarted, t.DownloadEnded);
        }
        if (start is { } last) busy += Stopwatch.GetElapsedTime(last, end!.Value).TotalSeconds;
        return busy;
    }

    /// <summary>The package's files and manifest: what one box fetches (the bare package loop fetches the same).</summary>
    public static IReadOnlyList<string> PackageFiles(string package) =>
        Directory.EnumerateFiles(package, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    /// <summary>The package's largest file: the bare download loop runs on it.</summary>
    public static string LargestFile(string package) =>
        Directory.EnumerateFiles(package, "*", SearchOption.AllDirectories).MaxBy(f => new FileInfo(f).Length)!;

    /// <summary>Canary, then waves of <see cref="WaveBase"/> growing by <see cref="WaveFactor"/> until every device is moved.</summary>
    private static int Stages(int devices)
    {
        int stages = 1, moved = Canary;
        for (double wave = WaveBase; moved < devices; wave *= WaveFactor, stages++)
            moved += (int)wave;
        return stages;
    }
}
