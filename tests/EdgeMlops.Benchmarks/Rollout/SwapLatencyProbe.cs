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

/// <summary>One round: a steady phase, then a phase of the same length with exactly one swap in it.</summary>
/// <param name="LoadMilliseconds">What the model manager's side took: verify + open a session + validate (canary set, latency batch).</param>
public sealed record SwapRound(SwapPhase Steady, SwapPhase Swap, double LoadMilliseconds)
{
    public double P99Ratio => Swap.Latency.P99 / Steady.Latency.P99;

    /// <summary>Frames dropped at capture in the swap phase beyond those of its steady phase.</summary>
    public long DroppedBySwap => Math.Max(0, Swap.DroppedAtCapture - Steady.DroppedAtCapture);
}

/// <summary>
/// Frame latency through the agent's real <see cref="ClassificationBatcher"/> while cameras offer frames at a fixed
/// rate, in rounds of two phases of equal length: steady on the serving model, then the same while the model manager's
/// side loads the next package on its own thread (verify + open a session with <see cref="ModelLoader"/>, validate it
/// with the agent's <see cref="ModelValidation"/>, whose canary set and latency batch also warm the session up) and
/// publishes it with <see cref="ModelSlot.Publish"/>: one swap per phase, alternating between the packages given.
/// Frames are offered with TryWrite, as capture does: a frame that finds the queue full is dropped there, so any
/// frame the swap costs shows up as a drop. Each round's ratio compares phases run back to back, so load from other
/// processes that drifts over the run weighs on both; the spread over rounds shows how much it still moves.
/// </summary>
public sealed class SwapLatencyProbe(IReadOnlyList<string> packages, string trustedKeys, int cameras, double fps, int cropsPerFrame)
{
    /// <summary>How far into a swap phase the load starts, so the phase holds frames before, during and after it.</summary>
    private static readonly TimeSpan LoadAfter = TimeSpan.FromMilliseconds(300);

    public async Task<IReadOnlyList<SwapRound>> RunAsync(TimeSpan phase, int rounds, Action<string> progress, CancellationToken cancellationToken)
    {
        var loader = new ModelLoader(Options.Create(new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"] }), NullLogger<ModelLoader>.Instance);
        var validation = new ModelValidation(new ModelOptions());
        using var slot = new ModelSlot();
        slot.Publish(loader.Load(packages[0], trustedKeys, slot.NextGeneration()));
        var batcher = new ClassificationBatcher(Options.Create(new BatchingOptions()), slot);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var batching = Task.Run(() => batcher.RunAsync(stop.Token), stop.Token);
        var crops = RenderCrops(cropsPerFrame * 8);
        try
        {
            // Warm-up, with a swap of its own: first runs allocate ONNX Runtime's arenas, the first load JITs the loader.
            int swaps = 0;
            var warmUpSwap = SwapOnceAsync(slot, loader, validation, packages[++swaps % packages.Count]);
            await OfferAsync(batcher, crops, TimeSpan.FromSeconds(2), cancellationToken);
            await warmUpSwap;
            var results = new List<SwapRound>();
            for (int round = 0; round < rounds; round++)
            {
                var steady = await OfferAsync(batcher, crops, phase, cancellationToken);
                var next = packages[++swaps % packages.Count];
                var swapped = SwapOnceAsync(slot, loader, validation, next);
                var during = await OfferAsync(batcher, crops, phase, cancellationToken);
                var loadMs = await swapped;
                var result = new SwapRound(steady.ToPhase("steady", 0), during.ToPhase("swap", 1), loadMs);
                results.Add(result);
                progress(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"  round {round + 1}/{rounds}: steady p99 {result.Steady.Latency.P99:F1} ms, with one swap to {Path.GetFileName(Path.TrimEndingDirectorySeparator(next))} p99 {result.Swap.Latency.P99:F1} ms (x{result.P99Ratio:F2}), load + validate {loadMs:F0} ms, dropped by the swap {result.DroppedBySwap}"));
            }
            return results;
        }
        finally
        {
            batcher.Input.TryComplete();
            try { await batching; }
            catch (OperationCanceledException) { }
            crops.ForEach(c => c.Dispose());
        }
    }

    /// <summary>The model manager's side: load and validate on a thread of its own, then publish; returns how long the load and validation took.</summary>
    private Task<double> SwapOnceAsync(ModelSlot slot, ModelLoader loader, ModelValidation validation, string package) => Task.Run(async () =>
    {
        await Task.Delay(LoadAfter);
        var started = Stopwatch.GetTimestamp();
        var model = loader.Load(package, trustedKeys, slot.NextGeneration());
        validation.Validate(model);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        slot.Publish(model);
        return elapsed;
    });

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
    }
}
