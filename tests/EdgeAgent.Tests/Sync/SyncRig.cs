using System.Text.Json;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.EdgeAgent.Sync;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.EdgeAgent.Tests.Support;
using EdgeMlops.EdgeAgent.Tests.Telemetry;
using Microsoft.Extensions.Logging.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Sync;

/// <summary>The edge side of sync as the agent wires it: a real store in a temp directory and the sync service over it.</summary>
internal sealed class SyncRig : IAsyncDisposable
{
    /// <summary>The device the test records (<see cref="TestRecords"/>) belong to.</summary>
    public const string DeviceId = "box-07";

    private readonly TempDirectory _directory = new();
    private bool _started;
    private bool _stopped;

    public SyncRig(string broker, Action<SyncOptions>? configure = null)
    {
        Options = new SyncOptions
        {
            Broker = broker,
            BatchRecords = 100,
            MaxInFlight = 4,
            DrainOnStop = TimeSpan.FromSeconds(5),
            Reconnect = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500) },
        };
        configure?.Invoke(Options);
        Store = StoreFixture.Store(StoreFixture.Options(_directory.File("edge-agent.db")));
        Progress = new SyncProgress(Store, TimeProvider.System);
        Service = new MqttSyncService(Microsoft.Extensions.Options.Options.Create(Options),
            Microsoft.Extensions.Options.Options.Create(new AgentOptions { DeviceId = DeviceId }),
            Store, Progress, Desired, new FixedModel(), TimeProvider.System, Log, Deployment, Reviewed = new ReviewedPrecisionBook(Desired, ReviewedLog));
    }

    public SyncOptions Options { get; }
    public EdgeStore Store { get; }
    public SyncProgress Progress { get; }
    public DesiredStateStore Desired { get; } = new();
    public EdgeMlops.EdgeAgent.Models.DeploymentStatus Deployment { get; } = new();
    public FakeLogger<MqttSyncService> Log { get; } = new();
    public FakeLogger<ReviewedPrecisionBook> ReviewedLog { get; } = new();
    public ReviewedPrecisionBook Reviewed { get; }
    public MqttSyncService Service { get; }

    public string DirectoryPath => _directory.Path;

    /// <summary>Appends <paramref name="count"/> vehicle events; returns their seqs.</summary>
    public IReadOnlyList<long> AppendEvents(int count, int firstTrackId = 1)
    {
        var first = Store.LastIssuedSeq + 1;
        Store.Append([.. Enumerable.Range(firstTrackId, count).Select(i => TestRecords.PendingEvent(i))]);
        return [.. Enumerable.Range(0, count).Select(i => first + i)];
    }

    public Task StartAsync()
    {
        _started = true;
        return Service.StartAsync(Eventually.Soon());
    }

    public async Task StopAsync()
    {
        if (!_started || _stopped)
            return;
        _stopped = true;
        await Service.StopAsync(Eventually.Soon());
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Service.Dispose();
        Store.Dispose();
        _directory.Dispose();
    }

    private sealed class FixedModel : IModelIdentity
    {
        public string Name => "vehicle-classifier";
        public string Version => "1.0.0";
    }
}

/// <summary>Reads what went over the wire the way the hub does, by seq.</summary>
internal static class Wire
{
    public static IEnumerable<ReceivedMessage> On(this IEnumerable<ReceivedMessage> messages, string topic) =>
        messages.Where(m => m.Topic == topic);

    public static TelemetryBatch Batch(this ReceivedMessage message) =>
        ContractReader.TryReadTelemetryBatch(message.Payload, out var batch, out var rejection)
            ? batch
            : throw new Xunit.Sdk.XunitException($"not a telemetry batch: {rejection}");

    /// <summary>Every seq in the telemetry batches and sample frames, in arrival order, duplicates included.</summary>
    public static List<long> Seqs(this IEnumerable<ReceivedMessage> messages)
    {
        var seqs = new List<long>();
        foreach (var message in messages)
        {
            if (message.Topic == Topics.Telemetry(SyncRig.DeviceId))
                seqs.AddRange(message.Batch().Records.Select(r => r.Seq));
            else if (message.Topic == Topics.Samples(SyncRig.DeviceId))
                seqs.Add(SampleFrame.TryRead(message.Payload, out var header, out _, out var rejection)
                    ? header.Seq
                    : throw new Xunit.Sdk.XunitException($"not a sample frame: {rejection}"));
        }
        return seqs;
    }

    public static DeviceStatus Status(this ReceivedMessage message) => Status(message.Payload);

    public static DeviceStatus Status(byte[] payload) =>
        ContractReader.TryReadDeviceStatus(payload, out var status, out var rejection)
            ? status
            : throw new Xunit.Sdk.XunitException($"not a device status: {rejection}");

    public static ReportedState Reported(this ReceivedMessage message) =>
        ContractReader.TryReadReportedState(message.Payload, out var report, out var rejection)
            ? report
            : throw new Xunit.Sdk.XunitException($"not a reported state: {rejection}");

    /// <summary>Bytes that start like a JPEG (the hub checks the signature), then random.</summary>
    public static byte[] Jpeg(int index, int bytes)
    {
        var jpeg = TestRecords.Jpeg(index, bytes);
        jpeg[0] = 0xFF;
        jpeg[1] = 0xD8;
        jpeg[2] = 0xFF;
        return jpeg;
    }
}
