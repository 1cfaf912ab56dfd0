using System.Diagnostics;
using System.Text.Json;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.Benchmarks.Precision;

/// <summary>One ingest run: events stored per second, and every record (events and reports) per second.</summary>
internal sealed record IngestFigure(bool Monitoring, long Events, long Records, TimeSpan Elapsed)
{
    public double EventsPerSecond => Events / Elapsed.TotalSeconds;

    public double RecordsPerSecond => Records / Elapsed.TotalSeconds;
}

/// <summary>
/// The hub's real ingest (parse, group commit, SQLite) in this process, fed telemetry batches by several devices at
/// once. With monitoring on the boxes also send one precision report per camera per minute among their events, and the
/// hub stores each with its class rows; off, the same events travel alone.
/// </summary>
internal sealed class PrecisionIngestProbe(int devices, int cameras, long eventsPerDevice, double eventsPerCameraMinute)
{
    private const int BatchRecords = 1_000;
    private static readonly string[] LabelSet = ["car", "van", "truck", "bus", "motorcycle"];

    public async Task<IngestFigure> RunAsync(string directory, bool monitoring)
    {
        var batches = Enumerable.Range(0, devices).Select(d => Batches(DatasetShape.DeviceId(d), monitoring)).ToList();
        var records = batches.Sum(b => b.Records);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            [new($"{HubStoreOptions.SectionName}:Path", Path.Combine(directory, "hub.db"))]).Build();
        await using var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddHubStorage(configuration).AddHubDevices().AddHubIngest()
            .BuildServiceProvider();
        var registry = services.GetRequiredService<IDeviceRegistry>();
        for (var d = 0; d < devices; d++)
            registry.Enroll(DatasetShape.DeviceId(d));
        var ingest = services.GetRequiredService<IMessageIngest>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(batches.Select((device, d) => Task.Run(async () =>
        {
            var topic = Topics.Telemetry(DatasetShape.DeviceId(d));
            foreach (var (batch, count) in device.Batches)
            {
                var result = await ingest.IngestAsync(topic, batch, CancellationToken.None);
                if (result.Status != IngestStatus.Stored || result.Stored != count)
                    throw new InvalidOperationException($"ingest stored {result.Stored} of {count} records: {result.Reason}");
            }
        })));
        var elapsed = clock.Elapsed;
        return new IngestFigure(monitoring, eventsPerDevice * devices, records, elapsed);
    }

    /// <summary>A device's batches as its sync writes them: events of its cameras minute by minute, plus the reports when monitoring.</summary>
    private (List<(byte[] Batch, int Count)> Batches, long Records) Batches(string device, bool monitoring)
    {
        var random = new Random(device.GetHashCode(StringComparison.Ordinal));
        var writer = new TelemetryBatchWriter();
        var batches = new List<(byte[], int)>();
        var pending = new List<RawOutboxRecord>(BatchRecords);
        long seq = 0, events = 0, records = 0;
        void Add(RawOutboxRecord record)
        {
            pending.Add(record);
            records++;
            if (pending.Count == BatchRecords)
                Flush();
        }
        void Flush()
        {
            if (pending.Count == 0)
                return;
            batches.Add((writer.Write(device, 1, pending), pending.Count));
            pending.Clear();
        }
        for (var minute = 0; events < eventsPerDevice; minute++)
        {
            var windowStart = DatasetShape.Start.AddMinutes(minute);
            for (var c = 0; c < cameras && events < eventsPerDevice; c++)
            {
                var camera = DatasetShape.CameraId(c);
                var classes = new Dictionary<string, (double Predicted, double Correct)>();
                var n = (int)eventsPerCameraMinute + (random.NextDouble() < eventsPerCameraMinute % 1 ? 1 : 0);
                for (var e = 0; e < n && events < eventsPerDevice; e++)
                {
                    var label = LabelSet[random.Next(LabelSet.Length)];
                    var confidence = 0.5 + random.NextDouble() * 0.49;
                    var seen = windowStart.AddMilliseconds(random.Next(60_000));
                    var vehicle = new VehicleEvent(device, camera, ++seq, label, confidence,
                        [new LabelProbability(label, confidence), new LabelProbability("van", 1 - confidence)],
                        new PixelBox(100, 120, 80, 60), seen.AddSeconds(-2), seen, 30, "vehicle-classifier", "1.0.0");
                    Add(new RawOutboxRecord(seq, OutboxKinds.Event, seen, JsonSerializer.Serialize(vehicle, ContractsJsonContext.Default.VehicleEvent)));
                    events++;
                    var sums = classes.GetValueOrDefault(label);
                    classes[label] = (sums.Predicted + 1, sums.Correct + confidence);
                }
                if (!monitoring || classes.Count == 0)
                    continue;
                var report = new PrecisionReport(device, camera, "vehicle-classifier", "1.0.0", PrecisionSources.Estimated, windowStart, windowStart.AddMinutes(1),
                    classes.ToDictionary(c => c.Key, c => new ClassPrecision(c.Value.Predicted, c.Value.Correct)),
                    new DriftSignals(n, 0.05, 0.08, 0.04, 0.07, MeanBrightness: 110, MeanContrast: 35, MeanBoxArea: 0.02));
                Add(new RawOutboxRecord(++seq, OutboxKinds.Precision, windowStart.AddMinutes(1), JsonSerializer.Serialize(report, ContractsJsonContext.Default.PrecisionReport)));
            }
        }
        Flush();
        return (batches, records);
    }
}
