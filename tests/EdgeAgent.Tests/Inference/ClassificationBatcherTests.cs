using System.Threading.Channels;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Tests.Models;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Tests.Inference;

public sealed class ClassificationBatcherTests : IDisposable
{
    private readonly ModelSlot _slot = new();
    private readonly Channel<FrameCrops> _results = Channel.CreateUnbounded<FrameCrops>();

    public ClassificationBatcherTests() => _slot.Publish(SeedModel.Load(_slot));

    public void Dispose() => _slot.Dispose();

    private ClassificationBatcher Batcher(int maxBatchSize = 4) =>
        new(Options.Create(new BatchingOptions { MaxBatchSize = maxBatchSize, MaxWait = TimeSpan.FromMilliseconds(5) }), _slot);

    private FrameCrops Frame(long index, int crops, ChannelWriter<FrameCrops>? results = null)
    {
        var boxes = Enumerable.Range(0, crops).Select(i => new Rect(10 * i, 0, 40, 30)).ToList();
        var images = Enumerable.Range(0, crops).Select(i => new Mat(40, 40, MatType.CV_8UC3, new Scalar(30 * i, 90, 200))).ToList();
        var now = DateTimeOffset.UnixEpoch.AddSeconds(index);
        return new FrameCrops("cam1", index, now, now, boxes, images, truth: null, results ?? _results.Writer);
    }

    private async Task<List<FrameCrops>> ReadAsync(int count, ChannelReader<FrameCrops>? reader = null)
    {
        var frames = new List<FrameCrops>();
        var timeout = Eventually.Soon();
        for (int i = 0; i < count; i++) frames.Add(await (reader ?? _results.Reader).ReadAsync(timeout));
        return frames;
    }

    [Fact]
    public async Task Frames_come_out_in_order_with_one_probability_row_per_crop_stamped_with_the_slot_model()
    {
        var batcher = Batcher(maxBatchSize: 4);
        var running = batcher.RunAsync(CancellationToken.None);
        // 3 + 5 + 2 crops: batches of four cut through the middle of the frames.
        foreach (var (index, crops) in new[] { (0L, 3), (1L, 5), (2L, 2) })
            await batcher.Input.WriteAsync(Frame(index, crops));

        var frames = await ReadAsync(3);
        batcher.Input.Complete();
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        var model = _slot.Current;
        Assert.Equal([0L, 1L, 2L], frames.Select(f => f.FrameIndex));
        Assert.Equal([3, 5, 2], frames.Select(f => f.Probabilities.Length));
        foreach (var frame in frames)
        {
            Assert.Same(model, frame.Model);
            foreach (var row in frame.Probabilities)
            {
                Assert.Equal(model.Labels.Count, row.Length);
                Assert.Equal(1f, row.Sum(), 3);
            }
            frame.Dispose();
        }
    }

    [Fact]
    public async Task A_crop_is_classified_the_same_whichever_batch_it_lands_in()
    {
        var alone = Batcher(maxBatchSize: 1);
        var running = alone.RunAsync(CancellationToken.None);
        await alone.Input.WriteAsync(Frame(0, 3));
        var one = (await ReadAsync(1)).Single();
        alone.Input.Complete();
        await running;

        var together = Batcher(maxBatchSize: 8);
        running = together.RunAsync(CancellationToken.None);
        await together.Input.WriteAsync(Frame(0, 3));
        var all = (await ReadAsync(1)).Single();
        together.Input.Complete();
        await running;

        for (int i = 0; i < 3; i++)
            Assert.Equal(one.Probabilities[i], all.Probabilities[i], (a, b) => Math.Abs(a - b) < 1e-4);
        one.Dispose();
        all.Dispose();
    }

    [Fact]
    public async Task Each_frame_goes_to_the_results_writer_it_names()
    {
        var other = Channel.CreateUnbounded<FrameCrops>();
        var batcher = Batcher();
        var running = batcher.RunAsync(CancellationToken.None);

        await batcher.Input.WriteAsync(Frame(0, 1));
        await batcher.Input.WriteAsync(Frame(1, 2, other.Writer));
        await batcher.Input.WriteAsync(Frame(2, 1));

        var mine = await ReadAsync(2);
        var theirs = await ReadAsync(1, other.Reader);
        batcher.Input.Complete();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([0L, 2L], mine.Select(f => f.FrameIndex));
        Assert.Equal(1L, theirs.Single().FrameIndex);
        foreach (var f in mine.Concat(theirs)) f.Dispose();
    }

    [Fact]
    public async Task A_frame_without_crops_passes_through_stamped_with_the_current_model()
    {
        var batcher = Batcher();
        var running = batcher.RunAsync(CancellationToken.None);

        await batcher.Input.WriteAsync(Frame(0, 0));

        var frame = (await ReadAsync(1)).Single();
        batcher.Input.Complete();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Same(_slot.Current, frame.Model);
        Assert.Empty(frame.Probabilities);
    }

    [Fact]
    public async Task A_model_published_while_running_classifies_the_next_frames_and_the_old_one_is_released()
    {
        var batcher = Batcher();
        var running = batcher.RunAsync(CancellationToken.None);
        var first = _slot.Current;
        await batcher.Input.WriteAsync(Frame(0, 2));
        var before = (await ReadAsync(1)).Single();

        var second = SeedModel.Load(_slot);
        _slot.Publish(second);
        await batcher.Input.WriteAsync(Frame(1, 2));
        var after = (await ReadAsync(1)).Single();

        Assert.Same(first, before.Model);
        Assert.Same(second, after.Model);
        Assert.True(first.IsReleased); // the batcher let go of it at the frame boundary
        Assert.False(second.IsReleased);
        batcher.Input.Complete();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        before.Dispose();
        after.Dispose();
    }

    [Fact]
    public async Task A_model_replaced_while_no_frames_come_is_released_without_waiting_for_the_next_frame()
    {
        var batcher = Batcher();
        var running = batcher.RunAsync(CancellationToken.None);
        var first = _slot.Current;
        await batcher.Input.WriteAsync(Frame(0, 2));
        (await ReadAsync(1)).Single().Dispose();

        _slot.Publish(SeedModel.Load(_slot));

        await Eventually.HoldsAsync(() => first.IsReleased, "the idle batcher let go of the replaced model");
        batcher.Input.Complete();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_frame_without_crops_after_a_swap_is_stamped_with_the_new_model()
    {
        var batcher = Batcher();
        var running = batcher.RunAsync(CancellationToken.None);
        await batcher.Input.WriteAsync(Frame(0, 2));
        (await ReadAsync(1)).Single().Dispose();

        var second = SeedModel.Load(_slot);
        _slot.Publish(second);
        await batcher.Input.WriteAsync(Frame(1, 0));
        var frame = (await ReadAsync(1)).Single();

        Assert.Same(second, frame.Model);
        batcher.Input.Complete();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        frame.Dispose();
    }

    [Fact]
    public async Task A_model_that_fails_on_probation_hands_its_batch_to_the_version_rolled_back_to_and_no_frame_is_lost()
    {
        var batcher = Batcher(maxBatchSize: 3);
        var running = batcher.RunAsync(CancellationToken.None);
        var previous = SeedModel.Load(_slot); // the version the model manager rolls back to, loaded again from disk
        var failing = SeedModel.Load(_slot);
        failing.Session.Dispose(); // every classify throws, as a broken CUDA context would
        failing.Health.OnProbation = true;
        _slot.Publish(failing);
        var rolledBack = Task.Run(async () =>
        {
            await failing.Health.FirstFailure.WaitAsync(Eventually.Soon());
            _slot.Publish(previous); // what ProbationWatch's rollback does
        });

        for (int i = 0; i < 4; i++) await batcher.Input.WriteAsync(Frame(i, 2)); // frames straddle batches of 3
        var frames = await ReadAsync(4);
        await rolledBack;

        Assert.Equal([0L, 1, 2, 3], frames.Select(f => f.FrameIndex));
        Assert.All(frames, f => Assert.Same(previous, f.Model));
        Assert.All(frames, f => Assert.All(f.Probabilities, row => Assert.Equal(previous.Session.LabelCount, row.Length)));
        Assert.Equal(1, failing.Health.Errors);
        Assert.False(running.IsCompleted); // the pipeline goes on
        batcher.Input.Complete();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        foreach (var frame in frames) frame.Dispose();
        Assert.True(failing.IsReleased);
    }

    [Fact]
    public async Task A_model_that_fails_outside_probation_stops_the_batcher_with_its_error()
    {
        var batcher = Batcher();
        var failing = SeedModel.Load(_slot);
        failing.Session.Dispose();
        _slot.Publish(failing);
        var running = batcher.RunAsync(CancellationToken.None);

        await batcher.Input.WriteAsync(Frame(0, 2));

        await Assert.ThrowsAsync<ObjectDisposedException>(() => running.WaitAsync(Eventually.Soon()));
        Assert.Equal(1, failing.Health.Errors);
    }

    [Fact]
    public async Task Running_ends_once_the_input_is_completed_and_everything_queued_was_handed_on()
    {
        var batcher = Batcher(maxBatchSize: 2);
        for (int i = 0; i < 5; i++) await batcher.Input.WriteAsync(Frame(i, 3));
        batcher.Input.Complete();

        await batcher.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        var frames = await ReadAsync(5);
        Assert.Equal([0L, 1L, 2L, 3L, 4L], frames.Select(f => f.FrameIndex));
        Assert.All(frames, f => Assert.All(f.Probabilities, Assert.NotNull));
        Assert.True(batcher.InferenceLatency.Count > 0);
        frames.ForEach(f => f.Dispose());
    }

    [Fact]
    public async Task Swaps_under_load_drop_no_frame_and_release_every_replaced_model()
    {
        const int frames = 300;
        var batcher = Batcher();
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
        var batcher = Batcher();
        var running = batcher.RunAsync(CancellationToken.None);

        await batcher.Input.WriteAsync(Frame(0, 3));
        (await _results.Reader.ReadAsync(Eventually.Soon())).Dispose();
        batcher.Input.Complete();
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, _slot.Current.Health.BatchLatency.Count);
        Assert.Equal(0, _slot.Current.Health.Errors);
    }
}
