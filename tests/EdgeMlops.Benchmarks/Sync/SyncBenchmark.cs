using System.Diagnostics;
using System.Globalization;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent;
using EdgeMlops.EdgeAgent.Sync;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.Messaging;
using EdgeMlops.Sync.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeMlops.Benchmarks.Sync;

/// <summary>
/// <c>bench sync [--records N] [--devices D] [--device-records R] [--no-mosquitto] [--tls]</c>: a backlog of N outbox
/// records drained by the agent's real sync into the hub's store, over the embedded broker (and, with <c>--tls</c>,
/// the embedded broker over TLS) and over mosquitto, next to a bare MQTTnet publish loop of the same batches (same
/// size, same in-flight window) to the same broker; then D devices publishing at once into one hub.
/// </summary>
public static class SyncBenchmark
{
    private const string DrainDevice = "box-0001";
    private const string BareDevice = "box-0002";
    private const int InFlight = 8;

    public static int Run(string[] args)
    {
        int records = 1_000_000, devices = 200, deviceRecords = 2_500;
        var mosquitto = File.Exists("/usr/sbin/mosquitto");
        var tls = false;
        for (var i = 0; i < args.Length; i++)
        {
            int Number() => i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n : throw new ArgumentException($"{args[i - 1]} needs a positive whole number");
            switch (args[i])
            {
                case "--records": records = Number(); break;
                case "--devices": devices = Number(); break;
                case "--device-records": deviceRecords = Number(); break;
                case "--no-mosquitto": mosquitto = false; break;
                case "--tls": tls = true; break;
                default:
                    Console.Error.WriteLine("usage: bench sync [--records N (default 1000000)] [--devices D (200)] [--device-records R (2500)] [--no-mosquitto] [--tls]");
                    return 2;
            }
        }
        return RunAsync(records, devices, deviceRecords, mosquitto, tls).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int records, int devices, int deviceRecords, bool withMosquitto, bool withTls)
    {
        var root = Path.Combine(Path.GetTempPath(), "edgemlops-bench-sync-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            var template = Path.Combine(root, "backlog.db");
            var clock = Stopwatch.StartNew();
            Backlog.Seed(template, DrainDevice, records);
            Console.Error.WriteLine($"seeded {records:N0} outbox records in {clock.Elapsed.TotalSeconds:F1} s");
            var batches = BareBatches(template);
            Console.Error.WriteLine($"bare batches: {batches.Count:N0} of up to 1000 records, {batches.Sum(b => (long)b.Length) / 1e6:F0} MB");

            var results = new List<(string Broker, double Bare, double Drain, double BareToStore)>();
            List<string> modes = ["embedded"];
            if (withTls)
                modes.Add("embedded-tls");
            if (withMosquitto)
                modes.Add("mosquitto");
            foreach (var mode in modes)
            {
                var directory = Path.Combine(root, mode);
                var (hub, secrets) = mode == "mosquitto"
                    ? await BenchHub.StartWithMosquittoAsync(directory, [DrainDevice, BareDevice])
                    : await BenchHub.StartEmbeddedAsync(directory, [DrainDevice, BareDevice], tls: mode == "embedded-tls");
                using (hub)
                {
                    var (bareAcked, bareStored) = await BareLoopAsync(hub, secrets[BareDevice], batches, records);
                    Console.Error.WriteLine($"[{mode}] bare publish loop: {records / bareAcked.TotalSeconds:N0} records/s acknowledged, {records / bareStored.TotalSeconds:N0} records/s to the hub store");
                    var agentDb = Path.Combine(directory, "agent.db");
                    File.Copy(template, agentDb);
                    var drained = await DrainAsync(hub, agentDb, secrets[DrainDevice], records);
                    Console.Error.WriteLine($"[{mode}] agent drain to the hub store: {records / drained.TotalSeconds:N0} records/s");
                    results.Add((mode, records / bareAcked.TotalSeconds, records / drained.TotalSeconds, records / bareStored.TotalSeconds));
                }
            }

            double fleet;
            {
                var (hub, _) = await BenchHub.StartEmbeddedAsync(Path.Combine(root, "fleet"), []);
                using (hub)
                    fleet = await FleetAsync(hub, devices, deviceRecords);
            }

            Console.WriteLine();
            Console.WriteLine($"sync benchmark: {records:N0} outbox records, batches of <= 1000, {InFlight} publishes in flight, {Environment.ProcessorCount} cores");
            // Over mosquitto the broker acknowledges long before the hub has stored anything, so the bare loop's PUBACK
            // rate is the broker's, and the comparable limit for a drain measured to the hub store is bare->store.
            Console.WriteLine($"{"broker",-10} {"bare publish rec/s",20} {"bare->store rec/s",18} {"agent drain rec/s",18} {"drain/bare",11} {"drain/bare->store",18}");
            foreach (var r in results)
                Console.WriteLine($"{r.Broker,-10} {r.Bare,20:N0} {r.BareToStore,18:N0} {r.Drain,18:N0} {r.Drain / r.Bare,11:F2} {r.Drain / r.BareToStore,18:F2}");
            Console.WriteLine($"fleet: {devices} devices x {deviceRecords:N0} records at once -> hub ingest {fleet:N0} records/s");
            Console.WriteLine("aim: drain >= 0.7 of the bare publish loop and >= 50,000 records/s");
            if (results.Find(r => r.Broker == "embedded-tls") is { Broker: not null } overTls)
                Console.WriteLine($"tls/plain (embedded): bare {overTls.Bare / results[0].Bare:F2}, agent drain {overTls.Drain / results[0].Drain:F2} (aim >= 0.9)");
            var json = string.Join(",", results.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"\"{r.Broker}\":{{\"bareRecordsPerSecond\":{r.Bare:F0},\"bareToStoreRecordsPerSecond\":{r.BareToStore:F0},\"drainRecordsPerSecond\":{r.Drain:F0},\"ratio\":{r.Drain / r.Bare:F3},\"ratioToStore\":{r.Drain / r.BareToStore:F3}}}")));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"records\":{records},{json},\"fleet\":{{\"devices\":{devices},\"recordsPerDevice\":{deviceRecords},\"ingestRecordsPerSecond\":{fleet:F0}}}}}"));
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The backlog as the drain cuts it (1000 records a batch), pre-serialized for the bare device.</summary>
    private static List<byte[]> BareBatches(string template)
    {
        using var store = new EdgeStore(Options.Create(new EdgeStoreOptions { Path = template }), TimeProvider.System, NullLogger<EdgeStore>.Instance);
        var writer = new TelemetryBatchWriter();
        var batches = new List<byte[]>();
        for (long after = 0; ;)
        {
            var page = store.ReadOutbox(after, 1000);
            if (page.Count == 0)
                return batches;
            // Same payloads, attributed to the bare device so the hub stores them rather than counting them as wrong-device.
            batches.Add(writer.Write(BareDevice, store.Epoch, page.Select(e => new RawOutboxRecord(e.Seq, e.Kind, e.CreatedAt,
                e.Payload.Replace($"\"deviceId\":\"{DrainDevice}\"", $"\"deviceId\":\"{BareDevice}\"", StringComparison.Ordinal))).ToList()));
            after = page[^1].Seq;
        }
    }

    /// <summary>Publishes the batches QoS 1 with <see cref="InFlight"/> outstanding; returns time to the last PUBACK and to the last record stored.</summary>
    private static async Task<(TimeSpan Acked, TimeSpan Stored)> BareLoopAsync(BenchHub hub, string secret, List<byte[]> batches, long records)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        // The same options builder (and socket buffers) the agent uses: the limit is the broker, not an 8 KiB default.
        var options = BrokerClientOptions.For(BrokerAddressOf(hub), BareDevice, TrustHub(hub))
            .WithCredentials(BareDevice, secret).WithCleanStart(true).BuildWithLargeBuffers();
        await client.ConnectAsync(options);
        var topic = Topics.Telemetry(BareDevice);
        var clock = Stopwatch.StartNew();
        var window = new Queue<Task<MqttClientPublishResult>>();
        foreach (var batch in batches)
        {
            if (window.Count == InFlight)
                Check(await window.Dequeue());
            window.Enqueue(client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(batch)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()));
        }
        while (window.Count > 0)
            Check(await window.Dequeue());
        var acked = clock.Elapsed;
        await WaitUntilAsync(() => hub.HasStored(BareDevice, records), $"{records} records of {BareDevice} at the hub");
        var stored = clock.Elapsed;
        await client.DisconnectAsync();
        return (acked, stored);

        static void Check(MqttClientPublishResult result)
        {
            if (result.ReasonCode is not (MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers))
                throw new InvalidOperationException($"the broker refused a bare batch: {result.ReasonCode} {result.ReasonString}");
        }
    }

    /// <summary>The agent's real store + sync in this process, on a copy of the backlog; time until the hub stored the last record.</summary>
    private static async Task<TimeSpan> DrainAsync(BenchHub hub, string agentDb, string secret, long records)
    {
        var builder = Host.CreateApplicationBuilder(
        [
            $"--Agent:DeviceId={DrainDevice}",
            $"--Store:Path={agentDb}",
            $"--Sync:Broker={hub.BrokerUrl}",
            $"--Sync:Password={secret}",
            .. hub.CaCertificatePath is { } ca ? [$"--Sync:CaCertificatePath={ca}"] : Array.Empty<string>(),
        ]);
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOptions<AgentOptions>().Bind(builder.Configuration.GetSection(AgentOptions.SectionName));
        builder.Services.AddSingleton<IModelIdentity>(new BenchModel());
        builder.Services.AddEdgeSync(builder.Configuration);
        builder.Services.AddEdgeStore(builder.Configuration);
        using var host = builder.Build();
        var clock = Stopwatch.StartNew();
        await host.StartAsync();
        var progress = host.Services.GetRequiredService<SyncProgress>();
        await WaitUntilAsync(() => hub.HasStored(DrainDevice, records), $"{records} records of {DrainDevice} at the hub",
            () => Console.Error.WriteLine($"  drain: {progress.Snapshot().StatusText()}"));
        var elapsed = clock.Elapsed;
        await host.StopAsync();
        var stored = hub.StoredRecords(DrainDevice);
        if (stored != records)
            throw new InvalidOperationException($"the hub stored {stored} records of {DrainDevice}, expected {records}");
        return elapsed;
    }

    /// <summary><paramref name="devices"/> devices publishing <paramref name="perDevice"/> records each at once; hub ingest rate.</summary>
    private static async Task<double> FleetAsync(BenchHub hub, int devices, int perDevice)
    {
        var ids = Enumerable.Range(1, devices).Select(i => $"fleet-{i:0000}").ToList();
        var secrets = await hub.EnrollAsync(ids);
        var clients = new List<IMqttClient>();
        var broker = BrokerAddressOf(hub);
        foreach (var id in ids)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(BrokerClientOptions.For(broker, id).WithCredentials(id, secrets[id]).Build());
            clients.Add(client);
        }
        // Each device's batches are made before the clock starts: the hub's rate is measured, not the generator's.
        const int perBatch = 100;
        var payloads = ids.Select(id => FleetBatches(id, perDevice, perBatch)).ToList();
        var before = hub.StoredRecords();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select(async (client, i) =>
        {
            foreach (var payload in payloads[i])
                await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Telemetry(ids[i])).WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }));
        var elapsed = clock.Elapsed; // embedded broker: each PUBACK came after the hub committed the batch
        var stored = hub.StoredRecords() - before;
        foreach (var client in clients)
        {
            await client.DisconnectAsync();
            client.Dispose();
        }
        if (stored != (long)devices * perDevice)
            throw new InvalidOperationException($"the hub stored {stored} fleet records, expected {(long)devices * perDevice}");
        return stored / elapsed.TotalSeconds;
    }

    /// <summary>Trusts the hub's own certificate over TLS, as an agent with <c>Sync:CaCertificatePath</c> does.</summary>
    private static Action<MqttClientTlsOptionsBuilder>? TrustHub(BenchHub hub) => hub.CaCertificatePath is { } ca
        ? tls => tls.WithTrustChain([System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(ca))])
        : null;

    private static BrokerAddress BrokerAddressOf(BenchHub hub) => BrokerAddress.Parse(hub.BrokerUrl, "the bench hub's broker", "the bench hub's enrolment");

    private static List<byte[]> FleetBatches(string deviceId, int records, int perBatch)
    {
        var writer = new TelemetryBatchWriter();
        var at = DateTimeOffset.UtcNow;
        var batches = new List<byte[]>();
        for (var first = 1; first <= records; first += perBatch)
        {
            var batch = Enumerable.Range(first, Math.Min(perBatch, records - first + 1)).Select(seq => new RawOutboxRecord(seq, OutboxKinds.Event, at,
                System.Text.Json.JsonSerializer.Serialize(new VehicleEvent(deviceId, "cam-1", seq, "car", 0.9, [new("car", 0.9), new("van", 0.1)],
                    new PixelBox(1, 2, 30, 20), at, at.AddSeconds(2), 20, "vehicle-classifier", "1.0.0"), ContractsJsonContext.Default.VehicleEvent))).ToList();
            batches.Add(writer.Write(deviceId, 1, batch));
        }
        return batches;
    }

    private static async Task WaitUntilAsync(Func<bool> done, string what, Action? progress = null)
    {
        var deadline = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        while (!done())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(15))
                throw new TimeoutException($"gave up waiting for {what}");
            if (progress is not null && deadline.Elapsed - lastProgress > TimeSpan.FromSeconds(5))
            {
                progress();
                lastProgress = deadline.Elapsed;
            }
            await Task.Delay(100);
        }
    }

    private sealed class BenchModel : IModelIdentity
    {
        public string Name => "vehicle-classifier";
        public string Version => "1.0.0";
    }
}
