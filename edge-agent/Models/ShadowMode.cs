using System.Diagnostics;
using System.Threading.Channels;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Diagnostics;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>
/// Champion/challenger: the batcher offers every crop it classified with the champion; a share of them (every n-th,
/// so the share is exact) is copied into a bounded queue that drops when full, so the challenger can never slow the
/// pipeline or hold a frame. A loop of its own classifies them with the challenger (never producing events) and, per
/// <see cref="ModelOptions.ShadowWindow"/>, reports agreement by label name (label sets may differ), the mean top
/// confidence of each model and the challenger's p95 batch latency in <see cref="DeploymentStatus.Shadow"/>.
/// </summary>
public sealed class ShadowMode : IAsyncDisposable, IDisposable
{
    private const int QueueCapacity = 256;

    private readonly Channel<ShadowItem> _queue = Channel.CreateBounded<ShadowItem>(
        new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
        item => item.Crop.Dispose());
    private readonly ModelSlot _challenger = new();
    private readonly DeploymentStatus _status;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ILogger? _logger;
    private double _share;
    private long _offered;
    private long _dropped;
    private int _disposed;

    public ShadowMode(DeploymentStatus status, ModelOptions options, TimeProvider time, ILogger<ShadowMode>? logger = null)
    {
        _logger = logger;
        _status = status;
        _window = options.ShadowWindow;
        _time = time;
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>The challenger running now, or null.</summary>
    public LoadedModel? Challenger => _challenger.HasModel ? _challenger.Current : null;

    /// <summary>Crops the challenger classified since start.</summary>
    public long Compared => Interlocked.Read(ref _compared);

    private long _compared;

    /// <summary>Challenger batches that failed (their crops are not compared); the champion is never affected.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    private long _failures;

    /// <summary>Crops the queue had no room for (the challenger is slower than the share asks).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Runs <paramref name="challenger"/> on <paramref name="share"/> of the crops from now on; null stops shadowing.</summary>
    public void SetChallenger(LoadedModel? challenger, double share)
    {
        Volatile.Write(ref _share, challenger is null ? 0 : share);
        if (challenger is not null) _challenger.Publish(challenger);
        else if (_challenger.HasModel)
        {
            _challenger.Clear(); // released once the loop's lease on it ends
            _status.Report((ShadowReport?)null);
        }
    }

    /// <summary>Called by the batcher after each champion batch; copies the sampled crops, never blocks.</summary>
    public void Offer(IReadOnlyList<Mat> crops, ReadOnlySpan<float> probabilities, IReadOnlyList<string> labels)
    {
        var share = Volatile.Read(ref _share);
        if (share <= 0) return;
        for (int i = 0; i < crops.Count; i++)
        {
            var n = Interlocked.Increment(ref _offered);
            if (Math.Floor(n * share) == Math.Floor((n - 1) * share)) continue;
            var (label, confidence) = Top(labels, probabilities.Slice(i * labels.Count, labels.Count));
            if (!_queue.Writer.TryWrite(new ShadowItem(crops[i].Clone(), label, confidence)))
                Interlocked.Increment(ref _dropped);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var window = new Window(_time.GetUtcNow());
        var batch = new List<ShadowItem>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!_challenger.HasModel)
                {
                    while (_queue.Reader.TryRead(out var stale)) stale.Crop.Dispose();
                    continue;
                }
                if (!TryLease(out var lease)) continue;
                using (lease)
                {
                    var model = lease.Model;
                    if (!ReferenceEquals(model, window.Model)) window = new Window(_time.GetUtcNow()) { Model = model };
                    while (batch.Count < model.Session.MaxBatchSize && _queue.Reader.TryRead(out var item)) batch.Add(item);
                    try
                    {
                        var started = Stopwatch.GetTimestamp();
                        var probabilities = model.Session.Classify(batch.Select(b => b.Crop).ToList());
                        window.Latency.Record(Stopwatch.GetElapsedTime(started));
                        for (int i = 0; i < batch.Count; i++)
                        {
                            var (label, confidence) = Top(model.Labels, probabilities.Slice(i * model.Labels.Count, model.Labels.Count));
                            window.Add(batch[i], label, confidence);
                        }
                        Interlocked.Add(ref _compared, batch.Count);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // One bad batch (an ONNX Runtime or OpenCV error) must not end shadowing unseen: count it,
                        // log the first of each window, go on with the next batch.
                        Interlocked.Increment(ref _failures);
                        if (window.Failures++ == 0)
                            _logger?.LogWarning(e, "Shadow challenger {Name} {Version} failed a batch of {Crops} crops: {Reason}; further failures in this window are only counted",
                                model.Name, model.Version, batch.Count, e.Message);
                    }
                    finally
                    {
                        foreach (var item in batch) item.Crop.Dispose();
                        batch.Clear();
                    }
                }
                var now = _time.GetUtcNow();
                if (now - window.Start >= _window && window.Crops > 0)
                {
                    if (window.Failures > 1)
                        _logger?.LogWarning("Shadow challenger {Name} {Version} failed {Failures} batches in the window since {Start:O}",
                            window.Model?.Name, window.Model?.Version, window.Failures, window.Start);
                    _status.Report(window.ToReport(now));
                    window = new Window(now) { Model = window.Model };
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // The challenger may be cleared between the check and the lease.
    private bool TryLease(out ModelLease lease)
    {
        try
        {
            lease = _challenger.Lease();
            return true;
        }
        catch (InvalidOperationException)
        {
            lease = default;
            return false;
        }
    }

    private static (string Label, float Confidence) Top(IReadOnlyList<string> labels, ReadOnlySpan<float> probabilities)
    {
        int best = 0;
        for (int i = 1; i < probabilities.Length; i++)
            if (probabilities[i] > probabilities[best]) best = i;
        return (labels[best], probabilities[best]);
    }

    // A container disposed synchronously still stops the loop and lets go of the challenger.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        while (_queue.Reader.TryRead(out var item)) item.Crop.Dispose();
        _challenger.Dispose();
        _stop.Dispose();
    }

    private sealed record ShadowItem(Mat Crop, string ChampionLabel, float ChampionConfidence);

    /// <summary>One window's tallies.</summary>
    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public LoadedModel? Model { get; init; }
        public LatencyHistogram Latency { get; } = new();
        public long Crops { get; private set; }
        public long Failures { get; set; }
        private long _agreed;
        private double _championConfidence;
        private double _challengerConfidence;

        public void Add(ShadowItem item, string challengerLabel, float challengerConfidence)
        {
            Crops++;
            if (string.Equals(item.ChampionLabel, challengerLabel, StringComparison.Ordinal)) _agreed++;
            _championConfidence += item.ChampionConfidence;
            _challengerConfidence += challengerConfidence;
        }

        public ShadowReport ToReport(DateTimeOffset end) => new(Model!.Name, Model.Version, Start, end, Crops,
            (double)_agreed / Crops, Probability(_championConfidence / Crops), Probability(_challengerConfidence / Crops),
            Latency.Percentile(0.95));

        // A float softmax may sum a hair over 1; the contract wants a probability.
        private static double Probability(double value) => Math.Clamp(value, 0, 1);
    }
}
