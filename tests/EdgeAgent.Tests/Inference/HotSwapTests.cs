using System.Threading.Channels;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Tests.Models;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Inference;

/// <summary>Swapping the model while the batcher is busy: every frame comes out, classified whole by one model.</summary>
public sealed class HotSwapTests : IDisposable
{
    private readonly ModelSlot _slot = new();
    private readonly Channel<FrameCrops> _results = Channel.CreateUnbounded<FrameCrops>();

    public HotSwapTests() => _slot.Publish(SeedModel.Load(_slot));

    public void Dispose() => _slot.Dispose();

    [Fact]
    public async Task Swaps_under_load_drop_no_frame_and_release_every_replaced_model()
    {
        const int frames = 300;
        var batcher = new ClassificationBatcher(
            Options.Create(new BatchingOptions { MaxBatchSize = 4, MaxWait = TimeSpan.FromMilliseconds(2) }), _slot);
        var running = batcher.RunAsync(CancellationToken.None);
        var published = new List<LoadedModel> { _slot.Current };
        var feeding = Task.Run(async () =>
        {
            for (int i = 0; i < frames; i++)
            {
                await batcher.Input.WriteAsync(Frame(i, 1 + i % 3));
                if (i % 30 == 15)
                {
                    var next = SeedModel.Load(_slot);
                    lock (published) published.Add(next);
                    _slot.Publish(next); // while frames are queued and batches run
                }
            }
            batcher.Input.Complete();
        });

        var received = new List<FrameCrops>();
        var timeout = Eventually.Soon(TimeSpan.FromSeconds(60));
        for (int i = 0; i < frames; i++) received.Add(await _results.Reader.ReadAsync(timeout));
        await feeding;
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(Enumerable.Range(0, frames).Select(i => (long)i), received.Select(f => f.FrameIndex));
        Assert.All(received, f =>
        {
            Assert.NotNull(f.Model);
            Assert.All(f.Probabilities, row => Assert.Equal(f.Model!.Labels.Count, row.Length));
        });
        // Models took over in publication order, each at a frame boundary.
        var order = received.Select(f => published.IndexOf(f.Model!)).ToList();
        Assert.Equal(order.Order(), order);
        Assert.True(order.Distinct().Count() > 1, "at least one swap happened while frames ran");
        Assert.All(published.SkipLast(1), m => Assert.True(m.IsReleased));
        Assert.False(published[^1].IsReleased);
        received.ForEach(f => f.Dispose());
    }

    [Fact]
    public async Task Each_batch_is_recorded_in_the_health_of_the_model_that_ran_it()
    {
        var batcher = new ClassificationBatcher(
            Options.Create(new BatchingOptions { MaxBatchSize = 4, MaxWait = TimeSpan.FromMilliseconds(2) }), _slot);
        var running = batcher.RunAsync(CancellationToken.None);

        await batcher.Input.WriteAsync(Frame(0, 3));
        (await _results.Reader.ReadAsync(Eventually.Soon())).Dispose();
        batcher.Input.Complete();
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, _slot.Current.Health.BatchLatency.Count);
        Assert.Equal(0, _slot.Current.Health.Errors);
    }

    private FrameCrops Frame(long index, int crops)
    {
        var boxes = Enumerable.Range(0, crops).Select(i => new Rect(10 * i, 0, 40, 30)).ToList();
        var images = Enumerable.Range(0, crops).Select(i => new Mat(40, 40, MatType.CV_8UC3, new Scalar(30 * i, 90, 200))).ToList();
        var now = DateTimeOffset.UnixEpoch.AddSeconds(index);
        return new FrameCrops("cam1", index, now, now, boxes, images, truth: null, _results.Writer);
    }
}
