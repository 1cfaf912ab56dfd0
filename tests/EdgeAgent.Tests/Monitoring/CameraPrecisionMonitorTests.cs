using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Monitoring;
using EdgeMlops.EdgeAgent.Tracking;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Scenes;
using OpenCvSharp;
using static EdgeMlops.EdgeAgent.Tests.Tracking.TrackedFrames;

namespace EdgeMlops.EdgeAgent.Tests.Monitoring;

public sealed class CameraPrecisionMonitorTests : IDisposable
{
    private static readonly DateTimeOffset WindowStart = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Rect Box = new(10, 10, 40, 30);

    private readonly MonitorRig _rig = new();
    private readonly Inner _inner = new();
    private CameraPrecisionMonitor? _monitor;

    public void Dispose()
    {
        _monitor?.Dispose();
        _rig.Dispose();
    }

    private CameraPrecisionMonitor Monitor() =>
        _monitor ??= new CameraPrecisionMonitor("box-07", "cam1", _rig.Options.Window, new TrackerOptions(), _rig.Writer, null, _inner);

    private sealed class Inner : ITrackSink
    {
        public int Frames;
        public List<TrackedVehicle> Vehicles { get; } = [];
        public void Observe(FrameCrops frame, IReadOnlyList<long> trackIds) => Frames++;

        public ValueTask CompleteAsync(TrackedVehicle vehicle)
        {
            Vehicles.Add(vehicle);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Frame <paramref name="second"/> (its time in seconds after 12:00) with one box per track, each at its confidence for "car".</summary>
    private void See(LoadedModel model, long second, params (long Track, float Confidence)[] tracks) => See(model, second, null, tracks);

    private void See(LoadedModel model, long second, FrameTruth? truth, params (long Track, float Confidence)[] tracks)
    {
        using var frame = Frame(model, second, [.. tracks.Select(t => (Box, t.Confidence))], truth);
        Monitor().Observe(frame, [.. tracks.Select(t => t.Track)]);
    }

    private ValueTask End(LoadedModel model, long track, string label = "car", string? truthLabel = null) =>
        Monitor().CompleteAsync(Ended(model, track, label, 0.5) with { TruthLabel = truthLabel });

    [Fact]
    public async Task The_estimate_sums_each_events_mean_calibrated_confidence_per_predicted_class()
    {
        var model = _rig.Seed(); // no monitoring spec: temperature 1
        See(model, 0, (1, 0.9f), (2, 0.6f));
        See(model, 1, (1, 0.7f), (2, 0.6f));
        await End(model, 1);
        await End(model, 2);
        Assert.Empty(_rig.Reports()); // the window is still open

        See(model, 61); // source time passes the end of the first window

        var report = Assert.Single(_rig.Reports());
        Assert.Equal(PrecisionSources.Estimated, report.Source);
        Assert.Equal(("box-07", "cam1", model.Name, model.Version), (report.DeviceId, report.CameraId!, report.ModelName, report.ModelVersion));
        Assert.Equal((WindowStart, WindowStart.AddSeconds(60)), (report.WindowStart, report.WindowEnd));
        Assert.Equal(new ClassPrecision(2, 1.4), Assert.Single(report.Classes).Value); // 0.8 + 0.6
        Assert.Null(report.Drift); // no reference in the manifest
        Assert.Equal(2, _inner.Vehicles.Count); // everything is handed on
        Assert.Equal(3, _inner.Frames);
        Assert.Equal(0.7, _rig.Metrics.Last("cam1", PrecisionSources.Estimated)!.Value, 6);
    }

    [Fact]
    public async Task The_manifests_temperature_calibrates_an_over_confident_model()
    {
        var model = _rig.Version("1.1.0", new ModelMonitoring { Temperature = 2 });
        See(model, 0, (1, 0.9f)); // the other four labels share 0.1: calibrated, 0.9 becomes 0.6
        await End(model, 1);

        Monitor().Dispose(); // the camera stops: the open window is written

        var report = Assert.Single(_rig.Reports());
        Assert.Equal(0.6, report.Classes["car"].Correct, 4);
        Assert.Equal(WindowStart, report.WindowEnd); // it ends where the camera's source time stopped
    }

    [Fact]
    public async Task A_model_swap_closes_the_window_of_the_old_version_at_the_swap()
    {
        var old = _rig.Seed();
        See(old, 0, (1, 0.9f), (3, 0.9f));
        await End(old, 1);
        var swapped = _rig.Version("2.0.0");

        See(swapped, 5, (2, 0.8f));
        await End(old, 3); // last classified by the old version, ended by the tracker after the swap
        for (int frame = 0; frame < new TrackerOptions().MaxMissedFrames + 2; frame++)
            See(swapped, 6);
        var closed = Assert.Single(_rig.Reports());
        Assert.Equal(("1.0.0", WindowStart, WindowStart.AddSeconds(5)), (closed.ModelVersion, closed.WindowStart, closed.WindowEnd));
        Assert.Equal(2, closed.Classes["car"].Predicted);

        await End(swapped, 2, "van");
        See(swapped, 60);
        var next = Assert.Single(_rig.Reports());
        Assert.Equal(("2.0.0", WindowStart.AddSeconds(5), WindowStart.AddSeconds(60)), (next.ModelVersion, next.WindowStart, next.WindowEnd));
        Assert.Equal(["van"], next.Classes.Keys);
    }

    [Fact]
    public async Task A_window_without_events_writes_nothing()
    {
        var model = _rig.Seed();
        See(model, 0, (1, 0.9f));
        See(model, 30);
        See(model, 65);
        See(model, 200);
        Monitor().Dispose();

        Assert.Empty(_rig.Reports());
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Against_ground_truth_an_event_that_followed_no_truth_vehicle_counts_against_its_class()
    {
        var model = _rig.Seed();
        var truth = new FrameTruth(0, 0, [new TruthObject(7, "car", Box, 1)]);
        See(model, 0, truth, (1, 0.9f), (2, 0.9f), (3, 0.9f));
        await End(model, 1, "car", truthLabel: "car");
        await End(model, 2, "car", truthLabel: null); // a headlight glow proposed as a car
        await End(model, 3, "car", truthLabel: "van");
        await End(model, 4, "van", truthLabel: "van");

        See(model, 60);

        var reports = _rig.Reports().ToDictionary(r => r.Source);
        Assert.Equal(new ClassPrecision(3, 1), reports[PrecisionSources.Truth].Classes["car"]);
        Assert.Equal(new ClassPrecision(1, 1), reports[PrecisionSources.Truth].Classes["van"]);
        Assert.Equal(3, reports[PrecisionSources.Estimated].Classes["car"].Predicted);
        Assert.Equal((1.0 / 3 + 1) / 2, _rig.Metrics.Last("cam1", PrecisionSources.Truth)!.Value, 6);
    }

    [Fact]
    public async Task Without_ground_truth_in_the_frames_no_truth_report_is_written()
    {
        var model = _rig.Seed();
        See(model, 0, (1, 0.9f));
        await End(model, 1, "car", truthLabel: null);
        See(model, 60);

        Assert.Equal([PrecisionSources.Estimated], _rig.Reports().Select(r => r.Source));
    }

    [Fact]
    public async Task Drift_is_measured_against_the_manifests_reference_with_the_crops_input_statistics()
    {
        var reference = new ReferenceDistributions
        {
            ClassMix = new Dictionary<string, double> { ["car"] = 0.5, ["van"] = 0.5 },
            ConfidenceHistogram = [0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.5],
        };
        var model = _rig.Version("1.2.0", new ModelMonitoring { Reference = reference });
        See(model, 0, (1, 0.95f), (2, 0.95f)); // crops of luma 40
        See(model, 1, (1, 0.95f), (2, 0.95f)); // crops of luma 50
        await End(model, 1);
        await End(model, 2);
        See(model, 60);

        var drift = Assert.Single(_rig.Reports()).Drift;
        Assert.NotNull(drift);
        Assert.Equal(2, drift.Events);
        // Every event a car (reference half and half), every confidence in the last bin (reference half and half).
        Assert.Equal(Math.Round(DriftMeasures.Psi([0.5, 0.5], [1, 0]), 4), drift.ClassMixPsi);
        Assert.Equal(Math.Round(DriftMeasures.JsDistance([0.5, 0.5], [1, 0]), 4), drift.ClassMixJs);
        Assert.Equal(Math.Round(DriftMeasures.Psi([0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.5], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), 4), drift.ConfidencePsi);
        Assert.True(drift.ClassMixPsi > 0.1 && drift.ConfidencePsi > 0.1);
        Assert.Equal(45, drift.MeanBrightness); // uniform crops: luma 40 and 50, no contrast
        Assert.Equal(0, drift.MeanContrast);
        Assert.Contains(_rig.Logger.Collector.GetSnapshot(), r => r.Message.StartsWith("Drift on camera cam1"));
        Assert.Same(drift, _rig.Metrics.LastDrift("cam1"));
    }
}
