using System.Threading.Channels;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Tests.Models.Support;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Models;

/// <summary>A challenger classifying a share of the champion's crops beside it, reported per window.</summary>
public sealed class ShadowModeTests : IAsyncLifetime
{
    private readonly FleetPackages _packages = new();
    private readonly ModelSlot _slot = new();
    private readonly Channel<FrameCrops> _results = Channel.CreateUnbounded<FrameCrops>();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(20000));
    private readonly DeploymentStatus _status = new();
    private ShadowMode _shadow = null!;

    public Task InitializeAsync()
    {
        _slot.Publish(SeedModel.Load(_slot));
        _shadow = new ShadowMode(_status, new ModelOptions { ShadowWindow = TimeSpan.FromMinutes(1) }, _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _shadow.DisposeAsync();
        _slot.Dispose();
        _packages.Dispose();
    }

    [Fact]
    public async Task A_challenger_with_other_label_names_is_compared_by_name_and_reported_per_window_without_touching_the_results()
    {
        // Same graph, car and van named the other way round: it disagrees exactly where the champion says car or van.
        var swapped = _packages.Build("9.0.0-challenger", draft => draft with
        {
            Labels = [draft.Labels[1], draft.Labels[0], .. draft.Labels.Skip(2)],
            Gate = null,
        });
        var challenger = SeedModel.Loader().Load(swapped, _packages.TrustDirectory, 1);
        _shadow.SetChallenger(challenger, share: 1.0);
        var batcher = new ClassificationBatcher(
            Options.Create(new BatchingOptions { MaxBatchSize = 4, MaxWait = TimeSpan.FromMilliseconds(2) }), _slot, _shadow);
        var running = batcher.RunAsync(CancellationToken.None);
        var crops = CanaryCrops();

        for (int i = 0; i < crops.Count; i += 2) await batcher.Input.WriteAsync(Frame(i, crops.Skip(i).Take(2)));
        var frames = new List<FrameCrops>();
        for (int i = 0; i < crops.Count; i += 2) frames.Add(await _results.Reader.ReadAsync(Eventually.Soon()));
        await Eventually.HoldsAsync(() => _shadow.Compared == crops.Count, () => $"{_shadow.Compared} of {crops.Count} compared");
        Assert.Null(_status.Shadow); // the window is still open
        _time.Advance(TimeSpan.FromMinutes(1));
        await batcher.Input.WriteAsync(Frame(crops.Count, crops.Take(1)));
        frames.Add(await _results.Reader.ReadAsync(Eventually.Soon()));
        await Eventually.HoldsAsync(() => _status.Shadow is not null, "a shadow report once the window ended");
        batcher.Input.Complete();
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        var champion = _slot.Current;
        var tops = frames.SelectMany(f => f.Probabilities).Select(row => champion.Labels[Array.IndexOf(row, row.Max())]).ToList();
        var report = _status.Shadow!;
        Assert.Equal("9.0.0-challenger", report.ChallengerVersion);
        Assert.Equal(tops.Count, report.Crops);
        Assert.Equal(tops.Count(label => label is not ("car" or "van")) / (double)tops.Count, report.Agreement, 6);
        Assert.InRange(report.Agreement, 0.01, 0.99); // the canary crops make both kinds of answer happen
        Assert.Equal(report.ChampionMeanConfidence, report.ChallengerMeanConfidence, 4);
        Assert.True(report.ChallengerP95Ms > 0);
        Assert.All(frames, f => Assert.Same(champion, f.Model)); // the challenger never produced a result
        frames.ForEach(f => f.Dispose());
        crops.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task A_challenger_batch_that_fails_is_logged_and_counted_and_shadowing_goes_on_with_the_next_batch()
    {
        var log = new FakeLogger<ShadowMode>();
        await using var shadow = new ShadowMode(_status, new ModelOptions { ShadowWindow = TimeSpan.FromMinutes(1) }, _time, log);
        var challenger = SeedModel.Loader().Load(_packages.Build("9.0.0-challenger", draft => draft with { Gate = null }), _packages.TrustDirectory, 1);
        shadow.SetChallenger(challenger, share: 1.0);
        var labels = _slot.Current.Labels;
        using var broken = new Mat(); // OpenCV refuses to resize an empty image
        using var crop = new Mat(64, 64, MatType.CV_8UC3, Scalar.All(90));

        shadow.Offer([broken], new float[labels.Count], labels);
        await Eventually.HoldsAsync(() => shadow.Failures == 1, () => $"{shadow.Failures} failed batches");
        shadow.Offer([crop], new float[labels.Count], labels);

        await Eventually.HoldsAsync(() => shadow.Compared == 1, () => $"{shadow.Compared} compared after the failed batch");
        Assert.Contains(log.Collector.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning && r.Message.Contains("9.0.0-challenger failed a batch", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_challenger_nothing_is_sampled()
    {
        using var crop = new Mat(64, 64, MatType.CV_8UC3, Scalar.All(90));

        _shadow.Offer([crop], new float[_slot.Current.Labels.Count], _slot.Current.Labels);

        Assert.Null(_shadow.Challenger);
        Assert.Equal(0, _shadow.Compared);
        Assert.Equal(0, _shadow.Dropped);
    }

    private static List<Mat> CanaryCrops()
    {
        var canary = Path.Combine(SeedModel.PackagePath, PackageLayout.CanaryDirectory);
        return Directory.GetDirectories(canary).Order(StringComparer.Ordinal)
            .SelectMany(folder => Directory.GetFiles(folder).Order(StringComparer.Ordinal).Take(4))
            .Select(file => Cv2.ImRead(file)).ToList();
    }

    private FrameCrops Frame(long index, IEnumerable<Mat> crops)
    {
        var images = crops.Select(c => c.Clone()).ToList();
        var boxes = images.Select((_, i) => new Rect(10 * i, 0, 40, 30)).ToList();
        var now = DateTimeOffset.UnixEpoch.AddSeconds(index);
        return new FrameCrops("cam1", index, now, now, boxes, images, truth: null, _results.Writer);
    }
}
