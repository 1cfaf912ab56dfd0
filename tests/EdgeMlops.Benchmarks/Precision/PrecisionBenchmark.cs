using System.Diagnostics;
using System.Globalization;
using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.CloudHub.Storage;
using Microsoft.Extensions.Options;

namespace EdgeMlops.Benchmarks.Precision;

/// <summary>
/// <c>bench precision [--events N] [--labels L] [--devices D] [--cameras C] [--days DAYS] [--runs R] [--ingest-events E]
/// [--ingest-devices K] [--ingest-rate V] [--rounds R]</c>: (a) a hub database of N events with one estimated precision report per camera
/// per minute (and its class rows) and L review labels, generated in bulk; the precision reader's queries timed on it (a
/// camera's week by hour is what <c>GET /api/precision?by=window</c> runs); (b) the hub's ingest with monitoring on
/// (precision reports among the events) against off (the same events alone), alternated in the same run.
/// </summary>
public static class PrecisionBenchmark
{
    private const string Usage =
        "usage: bench precision [--events N (10000000)] [--labels L (100000)] [--devices D (50)] [--cameras C (4)] [--days DAYS (14)] " +
        "[--runs R (10)] [--ingest-events E (25000 per device)] [--ingest-devices K (8)] [--ingest-rate V (vehicles per camera-minute; the dataset's)] [--rounds R (3)]";

    public static int Run(string[] args)
    {
        long events = 10_000_000, ingestEvents = 25_000;
        double? ingestRate = null;
        int labels = 100_000, devices = 50, cameras = 4, days = 14, runs = 10, ingestDevices = 8, rounds = 3;
        for (var i = 0; i < args.Length; i++)
        {
            long Number() => i + 1 < args.Length && long.TryParse(args[++i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n : throw new ArgumentException($"{args[i - 1]} needs a positive whole number");
            switch (args[i])
            {
                case "--events": events = Number(); break;
                case "--labels": labels = (int)Number(); break;
                case "--devices": devices = (int)Number(); break;
                case "--cameras": cameras = (int)Number(); break;
                case "--days": days = (int)Number(); break;
                case "--runs": runs = (int)Number(); break;
                case "--ingest-events": ingestEvents = Number(); break;
                case "--ingest-devices": ingestDevices = (int)Number(); break;
                case "--rounds": rounds = (int)Number(); break;
                case "--ingest-rate": ingestRate = Number(); break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        var shape = new DatasetShape(devices, cameras, days, events, labels);
        if (shape.Days < 7)
        {
            Console.Error.WriteLine("--days must be at least 7: the query times a camera's week");
            return 2;
        }
        return RunAsync(shape, runs, ingestDevices, ingestEvents, ingestRate ?? shape.EventsPerCameraMinute, rounds).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(DatasetShape shape, int runs, int ingestDevices, long ingestEvents, double ingestRate, int rounds)
    {
        var scratch = Directory.CreateTempSubdirectory("edgemlops-bench-precision-").FullName;
        static void Progress(string line) => Console.Error.WriteLine(line);
        try
        {
            Progress($"(a) generating {shape.Events:N0} events on {shape.Devices} devices x {shape.Cameras} cameras over {shape.Days} days " +
                $"({shape.EventsPerCameraMinute:F2} events per camera-minute), one estimated report per camera-minute with events, {shape.Labels:N0} review labels");
            DatasetFigures dataset;
            IReadOnlyList<QueryFigure> queries;
            using (var database = new HubDatabase(Options.Create(new HubStoreOptions { Path = Path.Combine(scratch, "dataset", "hub.db") })))
            {
                dataset = PrecisionDataset.Generate(database, shape, Progress);
                Progress($"(a) generated in {dataset.Elapsed.TotalSeconds:F0} s, {dataset.FileBytes / 1e9:F2} GB; timing queries, {runs} runs each after one warm-up");
                queries = TimeQueries(new PrecisionReader(database), shape, runs);
            }
            Directory.Delete(Path.Combine(scratch, "dataset"), recursive: true);

            var probe = new PrecisionIngestProbe(ingestDevices, shape.Cameras, ingestEvents, ingestRate);
            var ingest = new List<IngestFigure>();
            for (var round = 0; round < rounds; round++)
            {
                foreach (var monitoring in new[] { false, true })
                {
                    var directory = Path.Combine(scratch, $"ingest-{round}-{(monitoring ? "on" : "off")}");
                    Directory.CreateDirectory(directory);
                    var figure = await probe.RunAsync(directory, monitoring);
                    Directory.Delete(directory, recursive: true);
                    ingest.Add(figure);
                    Progress($"(b) round {round + 1}, monitoring {(monitoring ? "on " : "off")}: {figure.EventsPerSecond:N0} events/s, {figure.RecordsPerSecond:N0} records/s");
                }
            }
            Print(shape, dataset, queries, ingest, ingestDevices, ingestRate);
            return 0;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private sealed record QueryFigure(string Name, int Figures, double MedianMs, double MaxMs);

    private static IReadOnlyList<QueryFigure> TimeQueries(IPrecisionReader reader, DatasetShape shape, int runs)
    {
        var device = DatasetShape.DeviceId(shape.Devices / 2);
        var camera = DatasetShape.CameraId(shape.Cameras - 1);
        var weekEnd = DatasetShape.Start.AddDays(shape.Days);
        var weekStart = weekEnd.AddDays(-7);
        var dayStart = weekEnd.AddDays(-1);
        var all = DatasetShape.Start;
        return
        [
            Time("a camera's week by hour, every source (the API's default)", runs, () => reader.Figures(new PrecisionQuery(weekStart, weekEnd, device, camera, By: PrecisionGrouping.Window)).Count),
            Time("a camera's week by hour, estimated only", runs, () => reader.Figures(new PrecisionQuery(weekStart, weekEnd, device, camera, Source: "estimated", By: PrecisionGrouping.Window)).Count),
            Time("a camera's week by class", runs, () => reader.Figures(new PrecisionQuery(weekStart, weekEnd, device, camera, By: PrecisionGrouping.Class)).Count),
            Time("a device's day by hour (every camera)", runs, () => reader.Figures(new PrecisionQuery(dayStart, weekEnd, device, By: PrecisionGrouping.Window)).Count),
            Time("a device's reviews, whole period, total (reviewed precision)", runs, () => reader.Figures(new PrecisionQuery(all, weekEnd, device, Source: "review")).Count),
            Time("a camera's week of drift", runs, () => reader.Drift(weekStart, weekEnd, device, camera).Count),
        ];
    }

    private static QueryFigure Time(string name, int runs, Func<int> query)
    {
        var figures = query();
        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            query();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        times.Sort();
        Console.Error.WriteLine($"  {name}: {figures} figures, median {times[times.Count / 2]:F1} ms");
        return new QueryFigure(name, figures, times[times.Count / 2], times[^1]);
    }

    private static void Print(DatasetShape shape, DatasetFigures dataset, IReadOnlyList<QueryFigure> queries, List<IngestFigure> ingest, int ingestDevices, double ingestRate)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"precision benchmark, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine(string.Create(inv, $"dataset: {dataset.Events:N0} events, {dataset.Reports:N0} precision reports, {dataset.CountRows:N0} class rows, {dataset.Labels:N0} review labels; " +
            $"{shape.Devices} devices x {shape.Cameras} cameras x {shape.Days} days; generated in {dataset.Elapsed.TotalSeconds:F0} s, {dataset.FileBytes / 1e9:F2} GB"));
        Console.WriteLine($"{"query",-62} {"figures",8} {"median ms",10} {"max ms",8}");
        foreach (var q in queries)
            Console.WriteLine(string.Create(inv, $"{q.Name,-62} {q.Figures,8} {q.MedianMs,10:F1} {q.MaxMs,8:F1}"));
        double Median(IEnumerable<double> values) { var v = values.Order().ToList(); return v[v.Count / 2]; }
        var offEvents = Median(ingest.Where(f => !f.Monitoring).Select(f => f.EventsPerSecond));
        var onEvents = Median(ingest.Where(f => f.Monitoring).Select(f => f.EventsPerSecond));
        var offRecords = Median(ingest.Where(f => !f.Monitoring).Select(f => f.RecordsPerSecond));
        var onRecords = Median(ingest.Where(f => f.Monitoring).Select(f => f.RecordsPerSecond));
        var sample = ingest.First(f => f.Monitoring);
        Console.WriteLine(string.Create(inv, $"ingest: {ingestDevices} devices at once, {ingestRate:F1} vehicles per camera-minute, {sample.Events:N0} events per run ({sample.Records - sample.Events:N0} precision reports with monitoring on), medians of {ingest.Count / 2} alternated rounds"));
        Console.WriteLine(string.Create(inv, $"  monitoring off: {offEvents,10:N0} events/s {offRecords,10:N0} records/s"));
        Console.WriteLine(string.Create(inv, $"  monitoring on:  {onEvents,10:N0} events/s {onRecords,10:N0} records/s"));
        Console.WriteLine(string.Create(inv, $"  on/off: events {onEvents / offEvents:F2}, records {onRecords / offRecords:F2} (aim >= 0.9)"));
        var json = string.Join(",", queries.Select(q => string.Create(inv, $"{{\"query\":\"{q.Name}\",\"figures\":{q.Figures},\"medianMs\":{q.MedianMs:F2},\"maxMs\":{q.MaxMs:F2}}}")));
        Console.WriteLine(string.Create(inv,
            $"{{\"events\":{dataset.Events},\"reports\":{dataset.Reports},\"classRows\":{dataset.CountRows},\"labels\":{dataset.Labels},\"queries\":[{json}]," +
            $"\"ingest\":{{\"offEventsPerSecond\":{offEvents:F0},\"onEventsPerSecond\":{onEvents:F0},\"eventRatio\":{onEvents / offEvents:F3},\"recordRatio\":{onRecords / offRecords:F3}}}}}"));
    }
}
