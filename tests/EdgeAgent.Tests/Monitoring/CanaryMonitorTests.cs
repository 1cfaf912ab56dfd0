using Microsoft.Extensions.Logging;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Monitoring;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Options = Microsoft.Extensions.Options.Options;

namespace EdgeMlops.EdgeAgent.Tests.Monitoring;

/// <summary>The canary set through the real batcher and the seed classifier.</summary>
public sealed class CanaryMonitorTests : IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    private readonly MonitorRig _rig = new(new MonitoringOptions { CanaryInterval = TimeSpan.FromMinutes(10) });
    private readonly FakeTimeProvider _time = new(T0);
    private readonly FakeLogger<CanaryMonitor> _log = new();
    private ClassificationBatcher? _batcher;
    private Task _batching = Task.CompletedTask;

    private CanaryMonitor Canary()
    {
        _batcher = new ClassificationBatcher(Options.Create(new BatchingOptions { MaxBatchSize = 8 }), _rig.Slot);
        _batching = Task.Run(() => _batcher.RunAsync(CancellationToken.None));
        return new CanaryMonitor(Options.Create(_rig.Options), Options.Create(new AgentOptions { DeviceId = "box-07" }), _rig.Slot, _batcher,
            _rig.Writer, _rig.Metrics, _time, _log);
    }

    public async ValueTask DisposeAsync()
    {
        _batcher?.Input.TryComplete();
        await _batching;
        _rig.Dispose();
    }

    private static int CanaryImages => Directory.EnumerateFiles(Path.Combine(Models.SeedModel.PackagePath, "canary"), "*", SearchOption.AllDirectories).Count();

    [Fact]
    public async Task The_canary_set_goes_through_the_serving_batcher_and_is_reported_without_a_camera()
    {
        var model = _rig.Seed();
        var canary = Canary();

        Assert.True(await canary.RunOnceAsync(model, CancellationToken.None));

        var report = Assert.Single(_rig.Reports());
        Assert.Equal((PrecisionSources.Canary, (string?)null, model.Version), (report.Source, report.CameraId, report.ModelVersion));
        Assert.Equal(CanaryImages, MacroPrecision.Predictions(report.Classes));
        Assert.True(MacroPrecision.Of(report.Classes) > 0.8, $"the seed classifier tells its canary images apart: {MacroPrecision.Of(report.Classes)}");
        Assert.Equal(0, _rig.Metrics.CanaryBelowGate);
    }

    [Fact]
    public async Task A_canary_figure_under_the_gate_logs_an_error_and_counts_but_does_not_stop_anything()
    {
        // Labels in reverse order: the classifier's outputs now name the wrong classes, as a broken build would.
        var broken = _rig.Version("3.0.0", change: draft => draft with
        {
            Labels = [.. draft.Labels.Reverse()],
            Gate = new CanaryGate { MinMacroPrecision = 0.9 },
        });
        var canary = Canary();

        Assert.True(await canary.RunOnceAsync(broken, CancellationToken.None));

        Assert.True(MacroPrecision.Of(Assert.Single(_rig.Reports()).Classes) < 0.9);
        Assert.Equal(1, _rig.Metrics.CanaryBelowGate);
        var error = Assert.Single(_log.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Contains("Canary set of model vehicle-classifier 3.0.0", error.Message);
        Assert.Contains("under the manifest's gate 0.9", error.Message);
    }

    [Fact]
    public async Task The_canary_runs_when_a_model_is_loaded_and_again_every_interval()
    {
        _rig.Seed();
        var canary = Canary();
        await canary.StartAsync(CancellationToken.None);
        try
        {
            var seen = new List<PrecisionReport>();
            await Eventually.HoldsAsync(() => { seen.AddRange(_rig.Reports()); return seen.Count == 1; }, "the canary at load", TimeSpan.FromSeconds(30));

            _time.Advance(TimeSpan.FromMinutes(10));
            await Eventually.HoldsAsync(() => { seen.AddRange(_rig.Reports()); return seen.Count == 2; }, "the canary after its interval", TimeSpan.FromSeconds(30));

            _rig.Version("2.0.0"); // a swap: scored at once, not at the next interval
            await Eventually.HoldsAsync(() => { seen.AddRange(_rig.Reports()); return seen.Count == 3; }, "the canary of the new version", TimeSpan.FromSeconds(30));
            Assert.Equal(["1.0.0", "1.0.0", "2.0.0"], seen.Select(r => r.ModelVersion));
        }
        finally
        {
            await canary.StopAsync(CancellationToken.None);
        }
    }
}
