using System.Threading.Channels;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Sampling;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.EdgeAgent.Tests.Models;
using EdgeMlops.EdgeAgent.Tests.Models.Support;
using EdgeMlops.EdgeAgent.Tracking;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Scenes;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Sampling;

/// <summary>
/// One camera's sampler over the real seed classifier's package (re-signed with the <paramref name="monitoring"/> a
/// test asks for), a real telemetry queue whose records the test reads back, and a fake clock.
/// </summary>
internal sealed class SamplingRig : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FleetPackages _packages = new();
    private readonly ModelSlot _slot = new();
    private long _frame;

    public SamplingRig(ModelMonitoring? monitoring = null, SampleOptions? options = null)
    {
        var package = _packages.Build("1.0.1", d => d with { Monitoring = monitoring });
        Model = SeedModel.Loader().Load(package, _packages.TrustDirectory, _slot.NextGeneration());
        _slot.Publish(Model);
        Options = options ?? new SampleOptions { RandomShare = 0 };
        Sampler = new ReviewSampler("box-1", "cam1", Options, new TrackerOptions(), Telemetry, Counters, Time, Log);
    }

    public LoadedModel Model { get; }
    public SampleOptions Options { get; }
    public FakeTimeProvider Time { get; } = new(Start);
    public FakeLogger<ReviewSampler> Log { get; } = new();
    public SampleCounters Counters { get; } = new();
    public TelemetryQueue Telemetry { get; } =
        new(Microsoft.Extensions.Options.Options.Create(new EdgeStoreOptions()), TimeProvider.System, new FakeLogger<TelemetryQueue>());
    public ReviewSampler Sampler { get; }

    public IReadOnlyList<string> Labels => Model.Labels;

    /// <summary>Probabilities with <paramref name="top"/> on label <paramref name="winner"/> and the rest shared evenly.</summary>
    public float[] Peaked(float top, int winner = 0) =>
        [.. Enumerable.Range(0, Labels.Count).Select(i => i == winner ? top : (1 - top) / (Labels.Count - 1))];

    /// <summary>Shows the sampler one frame in which track <paramref name="trackId"/> was classified as <paramref name="probabilities"/>.</summary>
    public void Observe(long trackId, float[] probabilities, FrameTruth? truth = null)
    {
        using var frame = Frame(probabilities, truth);
        Sampler.Observe(frame, [trackId]);
    }

    /// <summary>The next frame, with one box at <see cref="Box"/> classified as <paramref name="probabilities"/> by <see cref="Model"/>.</summary>
    public FrameCrops Frame(float[] probabilities, FrameTruth? truth = null)
    {
        long index = _frame++;
        var frame = new FrameCrops("cam1", index, Start.AddSeconds(index), Start.AddSeconds(index), [Box],
            [new Mat(Box.Height, Box.Width, MatType.CV_8UC3, Scalar.All(40 + index % 200))], truth, Channel.CreateUnbounded<FrameCrops>().Writer);
        frame.Probabilities[0] = probabilities;
        frame.Model = Model;
        return frame;
    }

    public static readonly Rect Box = new(10, 10, 32, 32);

    /// <summary>Track <paramref name="trackId"/> ended, voted as <paramref name="label"/> (the first label by default).</summary>
    public TrackedVehicle Ended(long trackId, double confidence, string? label = null, string? truthLabel = null) =>
        new(new CompletedTrack("cam1", trackId, label ?? Labels[0], confidence, [new LabelProbability(label ?? Labels[0], confidence)], Box, Box, Start, Start.AddSeconds(2), 3, false, null,
            TrackEndReason.Lost), Model, truthLabel);

    /// <summary>Ends track <paramref name="trackId"/> voted as <paramref name="label"/> with <paramref name="confidence"/>: judges it, writes its event and maybe a sample.</summary>
    public async Task<(VehicleEvent Event, bool Sampled)> EndAsync(long trackId, double confidence, string? label = null, string? truthLabel = null)
    {
        var vehicle = Ended(trackId, confidence, label, truthLabel);
        using var review = Sampler.Review(vehicle);
        var vehicleEvent = EdgeAgent.Pipeline.VehicleEventFactory.Create("box-1", vehicle.Track, Model.Name, Model.Version, truthLabel, review.NeedsReview);
        return (vehicleEvent, await Sampler.SampleAsync(review, vehicleEvent));
    }

    /// <summary>Observes one track for each of <paramref name="frames"/> and ends it with the first label and the mean of their first probability.</summary>
    public Task<(VehicleEvent Event, bool Sampled)> TrackAsync(long trackId, params float[][] frames)
    {
        foreach (var probabilities in frames) Observe(trackId, probabilities);
        return EndAsync(trackId, frames.Average(p => p[0]));
    }

    /// <summary>The samples written so far (the queue is emptied).</summary>
    public List<ReviewSampleInfo> Samples() => [.. Drain().OfType<PendingReviewSample>().Select(s => s.Info)];

    /// <summary>Everything written to the telemetry queue so far (the queue is emptied).</summary>
    internal List<PendingRecord> Drain()
    {
        var records = new List<PendingRecord>();
        while (Telemetry.Reader.TryRead(out var record)) records.Add(record);
        return records;
    }

    public void Dispose()
    {
        Sampler.Dispose();
        _slot.Dispose();
        _packages.Dispose();
    }
}
