using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Monitoring;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.EdgeAgent.Tests.Models;
using EdgeMlops.EdgeAgent.Tests.Models.Support;
using EdgeMlops.EdgeAgent.Tests.Telemetry;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Logging.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Monitoring;

/// <summary>A telemetry queue the monitors write to, read back as reports; and seed-model versions with monitoring specs.</summary>
internal sealed class MonitorRig : IDisposable
{
    private readonly TempDirectory _dir = new("edgemlops-monitoring-");
    private readonly ModelSlot _slot = new();
    private FleetPackages? _packages;

    public MonitorRig(MonitoringOptions? options = null)
    {
        Options = options ?? new MonitoringOptions();
        Queue = StoreFixture.Queue(StoreFixture.Options(_dir.File("agent.db")));
        Writer = new PrecisionReportWriter(Queue, Metrics, Microsoft.Extensions.Options.Options.Create(Options), Logger);
    }

    public MonitoringOptions Options { get; }
    public TelemetryQueue Queue { get; }
    public PrecisionMetrics Metrics { get; } = new();
    public FakeLogger<PrecisionReportWriter> Logger { get; } = new();
    public PrecisionReportWriter Writer { get; }
    public string Directory => _dir.Path;

    /// <summary>The reports queued since the last call.</summary>
    public List<PrecisionReport> Reports()
    {
        var reports = new List<PrecisionReport>();
        while (Queue.Reader.TryRead(out var record))
            if (record is PendingPrecisionReport precision) reports.Add(precision.Report);
        return reports;
    }

    /// <summary>
    /// The bundled seed classifier repackaged as version 1.0.0 without a monitoring spec (temperature 1, no reference):
    /// the bundled one carries its fitted calibration, and these tests compute their figures by hand.
    /// </summary>
    public LoadedModel Seed() => Version("1.0.0");

    /// <summary>The seed classifier as another version, with <paramref name="monitoring"/> in its signed manifest.</summary>
    public LoadedModel Version(string version, ModelMonitoring? monitoring = null, Func<ModelManifestDraft, ModelManifestDraft>? change = null)
    {
        _packages ??= new FleetPackages();
        var path = _packages.Build(version, draft => (change?.Invoke(draft) ?? draft) with { Monitoring = monitoring });
        var model = SeedModel.Loader().Load(path, _packages.TrustDirectory, _slot.NextGeneration());
        _slot.Publish(model);
        return model;
    }

    public ModelSlot Slot => _slot;

    public void Dispose()
    {
        _slot.Dispose();
        _packages?.Dispose();
        _dir.Dispose();
    }
}
