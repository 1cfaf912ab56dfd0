using System.Diagnostics;
using System.Threading.Channels;
using EdgeMlops.EdgeAgent.Diagnostics;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using EdgeMlops.Synthetic.Vehicles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace EdgeMlops.Benchmarks.Rollout;

/// <summary>One phase of the swap probe: frame latency through the agent's batcher and what was lost.</summary>
public sealed record SwapPhase(string Name, LatencySummary Latency, long Offered, long Classified, long DroppedAtCapture, int Swaps, int MixedFrames);

/// <summary>
/// Frame latency through the agent's real <see cref="ClassificationBatcher"/> while cameras offer frames at a fixed
/// rate: first steady on one model, then while a model manager loads packages on its own thread and hot-swaps them
/// with <see cref="ModelSlot.Publish"/> every <c>swapEvery</c> (alternating between the packages given). Frames are offered with TryWrite, as capture
/// does: a frame that finds the queue full is dropped there, so any frame the swap costs shows up as a drop.
/// </summary>
public sealed class SwapLatencyProbe(IReadOnlyList<string> packages, string trustedKeys, int cameras, double fps, int cropsPerFrame, TimeSpan swapEvery)
{
    /// <returns>Steady state; swapping sessions as loaded ("swap cold"); swapping sessions that ran one full batch before
    /// they were published ("swap warm": ONNX Runtime sizes its buffers on a session's first runs).</returns>
    /// <param name="phase">Time per phase per round.</param>
    /// <param name="rounds">The three phases run in turn this many times and are summed per phase, so load from
    /// other processes that drifts over the run weighs on all three alike.</param>
    public async Task<IReadOnlyList<SwapPhase>> RunAsync(TimeSpan phase, int rounds, CancellationToken cancellationToken)
    {
        var loader = new ModelLoader(Options.Create(new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"] }), NullLogger<ModelLoader>.Instance);
        using var slot = new ModelSlot();
        slot.Publish(loader.Load(packages[0], trustedKeys, slot.NextGeneration()));
        var batcher = new ClassificationBatcher(Options.Create(new BatchingOptions()), slot);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var batching = Task.Run(() => batcher.RunAsync(stop.Token), stop.Token);
        var crops = RenderCrops(cropsPerFrame * 8);
        try
        {
            // Warm-up: first runs allocate ONNX Runtime's arenas.
            await OfferAsync(batcher, crops, TimeSpan.FromSeconds(2), cancellationToken);
            var warmUp = crops.Take(new BatchingOptions().MaxBatchSize).ToList();
            Offered? steady = null, cold = null, warmed = null;
            int coldSwaps = 0, warmSwaps = 0;
            for (int round = 0; round < rounds; round++)
            {
                steady = (await OfferAsync(batcher, crops, phase, cancellationToken)).Plus(steady);
                var (coldRound, coldRoundSwaps) = await SwapWhileOfferingAsync(slot, loader, batcher, crops, phase, warmUp: null, cancellationToken);
                var (warmRound, warmRoundSwaps) = await SwapWhileOfferingAsync(slot, loader, batcher, crops, phase, warmUp, cancellationToken);
                (cold, coldSwaps) = (coldRound.Plus(cold), coldSwaps + coldRoundSwaps);
                (warmed, warmSwaps) = (warmRound.Plus(warmed), warmSwaps + warmRoundSwaps);
            }
            return [steady!.ToPhase("steady", 0), cold!.ToPhase("swap cold", coldSwaps), warmed!.ToPhase("swap warm", warmSwaps)];
        }
        finally
        {
            batcher.Input.TryComplete();
            try { await batching; }
            catch (OperationCanceledException) { }
            crops.ForEach(c => c.Dispose());
        }
    }

    private async Task<(Offered Offered, int Swaps)> SwapWhileOfferingAsync(ModelSlot slot, ModelLoader loader, ClassificationBatcher batcher,
        List<Mat> crops, TimeSpan phase, List<Mat>? warmUp, CancellationToken cancellationToken)
    {
        int swaps = 0;
        using var swapping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The model manager's side: load (verify + open a session) on its own thread, then publish.
        var manager = Task.Run(() =>
        {
            for (int next = 1; !swapping.IsCancellationRequested; next++)
            {
                var started = Stopwatch.GetTimestamp();
                var model = loader.Load(packages[next % packages.Count], trustedKeys, slot.NextGeneration());
                if (warmUp is not null) model.Session.Classify(warmUp);
                slot.Publish(model);
                Interlocked.Increment(ref swaps);
                var rest = swapEvery - Stopwatch.GetElapsedTime(started);
                if (rest > TimeSpan.Zero) swapping.Token.WaitHandle.WaitOne(rest);
            }
        }, CancellationToken.None);
        var offered = await OfferAsync(batcher, crops, phase, cancellationToken);
        await swapping.CancelAsync();
        await manager;
        return (offered, swaps);
    }

    private async Task<Offered> OfferAsync(ClassificationBatcher batcher, List<Mat> crops, TimeSpan duration, CancellationToken cancellationToken)
    {
        var results = Channel.CreateUnbounded<FrameCrops>();
        var latencies = new LatencyHistogram();
        int mixed = 0;
        long classified = 0;
        var consumer = Task.Run(async () =>
        {
            await foreach (var frame in results.Reader.ReadAllAsync(cancellationToken))
            {
                // From the moment capture offered the frame, so time spent queued behind a swap counts.
                latencies.Record(DateTimeOffset.UtcNow - frame.Timestamp);
                // Every probability row must have the width of the model the frame is stamped with.
                if (frame.Probabilities.Any(p => p.Length != frame.Model!.Labels.Count)) mixed++;
                Interlocked.Increment(ref classified);
                frame.Dispose();
            }
        }, cancellationToken);

        long offered = 0, dropped = 0;
        var interval = TimeSpan.FromSeconds(1 / (fps * cameras));
        var clock = Stopwatch.StartNew();
        for (long index = 0; clock.Elapsed < duration; index++)
        {
            var due = interval * index;
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, cancellationToken);
            var frameCrops = Enumerable.Range(0, cropsPerFrame).Select(i => crops[(int)((index * cropsPerFrame + i) % crops.Count)].Clone()).ToList();
            var boxes = frameCrops.Select(_ => new Rect(0, 0, 10, 10)).ToList();
            var now = DateTimeOffset.UtcNow;
            var frame = new FrameCrops($"cam-{index % cameras}", index, now, now, boxes, frameCrops, truth: null, results.Writer);
            offered++;
            if (!batcher.Input.TryWrite(frame))
            {
                dropped++;
                frame.Dispose();
            }
        }
        // Let the last frames through before the next phase starts.
        while (Interlocked.Read(ref classified) + dropped < offered) await Task.Delay(5, cancellationToken);
        results.Writer.TryComplete();
        await consumer;
        return new Offered(latencies, offered, classified, dropped, mixed);
    }

    private static List<Mat> RenderCrops(int count)
    {
        using var generator = new CropGenerator(new CropGeneratorOptions { Classes = VehicleClasses.Known });
        return generator.Generate(99, [Condition.Day], count / VehicleClasses.Known.Count + 1)
            .Take(count).Select(c => c.Image).ToList();
    }

    private sealed record Offered(LatencyHistogram Latencies, long Count, long Classified, long Dropped, int Mixed)
    {
        public SwapPhase ToPhase(string name, int swaps) => new(name, Latencies.Summary(), Count, Classified, Dropped, swaps, Mixed);

        public Offered Plus(Offered? earlier)
        {
            if (earlier is null) return this;
            Latencies.Add(earlier.Latencies);
            return new Offered(Latencies, Count + earlier.Count, Classified + earlier.Classified, Dropped + earlier.Dropped, Mixed + earlier.Mixed);
        }
    }
}
