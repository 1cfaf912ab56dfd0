using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using EdgeMlops.EdgeAgent.Diagnostics;
using EdgeMlops.EdgeAgent.Models;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Inference;

/// <summary>
/// One consumer of every camera's crops: fills batches up to <see cref="BatchingOptions.MaxBatchSize"/> or until
/// <see cref="BatchingOptions.MaxWait"/> passes, runs the classifier of the <see cref="ModelSlot"/>, and hands each
/// frame to its <see cref="FrameCrops.Results"/> once all of its crops are classified. Frames of one camera keep
/// their order. The consumer owns the frame from then on (it may keep a crop as a review sample) and disposes it.
/// The slot is read once per batch, and only where no frame is half classified, so every crop of a frame is
/// classified by the same model and a newly published model takes over at the next frame.
/// </summary>
public sealed class ClassificationBatcher
{
    private readonly Channel<FrameCrops> _queue;
    private readonly BatchingOptions _options;
    private readonly ModelSlot _slot;

    private readonly ShadowMode? _shadow;

    /// <summary>How long a batch whose model failed on probation waits for the rollback before the failure stops the pipeline.</summary>
    private static readonly TimeSpan ProbationFailoverWait = TimeSpan.FromSeconds(30);

    /// <param name="shadow">Champion/challenger: handed every classified batch, takes a copy of a share of its crops.</param>
    public ClassificationBatcher(IOptions<BatchingOptions> options, ModelSlot slot, ShadowMode? shadow = null)
    {
        _options = options.Value;
        _slot = slot;
        _shadow = shadow;
        _queue = Channel.CreateBounded<FrameCrops>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // results are not dropped: backpressure reaches capture, which drops frames
            SingleReader = true,
        });
    }

    public ChannelWriter<FrameCrops> Input => _queue.Writer;

    /// <summary>Time from enqueue to classified, per crop batch.</summary>
    public LatencyHistogram QueueLatency { get; } = new();

    /// <summary>Time of the classifier call itself (preprocessing + inference), per batch.</summary>
    public LatencyHistogram InferenceLatency { get; } = new();

    /// <summary>Runs until the input is completed and drained.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        var pending = new Queue<(FrameCrops Frame, int Crop)>();
        var batch = new List<Mat>(_options.MaxBatchSize);
        var owners = new List<FrameCrops>(_options.MaxBatchSize);
        var slots = new List<int>(_options.MaxBatchSize);
        var inFlight = new Queue<FrameCrops>();
        var lease = _slot.Lease();
        try
        {
            while (true)
            {
                // Idle here, no frame half classified: a model replaced while no frames come is let go now (its
                // session disposed), not when the next frame arrives.
                lease = RefreshIdle(lease);
                var input = reader.WaitToReadAsync(cancellationToken).AsTask();
                while (!input.IsCompleted && _slot.HasModel)
                {
                    await WhenInputOrReplacedAsync(input, lease.Model, cancellationToken);
                    lease = RefreshIdle(lease);
                }
                if (!await input) break;
                await FillAsync(reader, pending, inFlight, lease.Model, cancellationToken);
                while (pending.Count > 0)
                {
                    if (pending.Peek().Crop == 0) lease = Refresh(lease);
                    var model = lease.Model;
                    batch.Clear(); owners.Clear(); slots.Clear();
                    while (batch.Count < _options.MaxBatchSize && pending.Count > 0)
                    {
                        var (frame, crop) = pending.Dequeue();
                        batch.Add(frame.Crops[crop]);
                        owners.Add(frame);
                        slots.Add(crop);
                    }
                    var started = Stopwatch.GetTimestamp();
                    if (_options.SimulatedDelay > TimeSpan.Zero) await Task.Delay(_options.SimulatedDelay, cancellationToken);
                    ReadOnlySpan<float> probabilities;
                    while (true)
                    {
                        ExceptionDispatchInfo failure;
                        try
                        {
                            probabilities = model.Session.Classify(batch);
                            break;
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            model.Health.InferenceFailed(e); // what probation rolls back for
                            if (!model.Health.OnProbation) throw;
                            failure = ExceptionDispatchInfo.Capture(e);
                        }
                        // A version on probation that fails is rolled back: this batch goes to the version before it.
                        if (!await _slot.WaitForReplacementAsync(model, ProbationFailoverWait, TimeProvider.System, cancellationToken)) failure.Throw();
                        lease = Refresh(lease);
                        model = lease.Model;
                        // Only the batch's first frame can have crops in an earlier batch: classify those again, so
                        // every crop of a frame comes from one model (label sets may differ between versions).
                        if (slots[0] > 0) Reclassify(model, owners[0], slots[0]);
                        started = Stopwatch.GetTimestamp();
                    }
                    var session = model.Session;
                    var elapsed = Stopwatch.GetElapsedTime(started);
                    InferenceLatency.Record(elapsed);
                    model.Health.BatchLatency.Record(elapsed);
                    _shadow?.Offer(batch, probabilities, model.Labels);
                    for (int i = 0; i < batch.Count; i++)
                    {
                        owners[i].Probabilities[slots[i]] = probabilities.Slice(i * session.LabelCount, session.LabelCount).ToArray();
                        owners[i].Model = model;
                        owners[i].Classified++;
                    }
                    await ForwardCompleted(inFlight, cancellationToken);
                    // Top up from frames that arrived during the run, so the next batch is full if work is waiting.
                    if (pending.Count < _options.MaxBatchSize) await FillAsync(reader, pending, inFlight, lease.Model, cancellationToken);
                }
                await ForwardCompleted(inFlight, cancellationToken);
            }
        }
        finally
        {
            lease.Dispose();
        }
    }

    /// <summary>Classifies the first <paramref name="count"/> crops of <paramref name="frame"/> with <paramref name="model"/>.</summary>
    private static void Reclassify(LoadedModel model, FrameCrops frame, int count)
    {
        var session = model.Session;
        for (int start = 0; start < count; start += session.MaxBatchSize)
        {
            var crops = frame.Crops.Skip(start).Take(Math.Min(session.MaxBatchSize, count - start)).ToList();
            var probabilities = session.Classify(crops);
            for (int i = 0; i < crops.Count; i++)
                frame.Probabilities[start + i] = probabilities.Slice(i * session.LabelCount, session.LabelCount).ToArray();
        }
    }

    /// <summary>The lease on the slot's current model: the same one unless a new generation was published.</summary>
    private ModelLease Refresh(ModelLease lease)
    {
        if (ReferenceEquals(_slot.Current, lease.Model)) return lease;
        var next = _slot.Lease();
        lease.Dispose();
        return next;
    }

    /// <summary>The lease on the slot's current model when one is published (a cleared slot leaves the lease as it is).</summary>
    private ModelLease RefreshIdle(ModelLease lease) => _slot.HasModel ? Refresh(lease) : lease;

    /// <summary>Returns once input is waiting (or the input completed) or a model other than <paramref name="held"/> is published.</summary>
    private async Task WhenInputOrReplacedAsync(Task<bool> input, LoadedModel held, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var replaced = _slot.WaitForReplacementAsync(held, Timeout.InfiniteTimeSpan, TimeProvider.System, stop.Token);
        await Task.WhenAny(input, replaced);
        await stop.CancelAsync();
        try
        {
            await replaced;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Input came first: the wait for a replacement was called off.
        }
    }

    /// <summary>
    /// Takes frames until a batch is full or <see cref="BatchingOptions.MaxWait"/> is up. Frames without crops pass
    /// straight through, stamped with the slot's current model (the one that would classify them).
    /// </summary>
    /// <param name="held">The batcher's leased model: the stamp while the slot is empty (the agent is stopping).</param>
    private async Task FillAsync(ChannelReader<FrameCrops> reader, Queue<(FrameCrops, int)> pending, Queue<FrameCrops> inFlight,
        LoadedModel held, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _options.MaxWait;
        while (pending.Count < _options.MaxBatchSize)
        {
            if (!reader.TryRead(out var frame))
            {
                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero || pending.Count == 0 && inFlight.Count > 0) break;
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(remaining);
                try
                {
                    if (!await reader.WaitToReadAsync(wait.Token)) break;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                continue;
            }
            frame.EnqueuedTimestamp = Stopwatch.GetTimestamp();
            if (frame.Crops.Count == 0) frame.Model = _slot.HasModel ? _slot.Current : held;
            inFlight.Enqueue(frame);
            for (int i = 0; i < frame.Crops.Count; i++) pending.Enqueue((frame, i));
        }
    }

    private async Task ForwardCompleted(Queue<FrameCrops> inFlight, CancellationToken cancellationToken)
    {
        while (inFlight.Count > 0 && inFlight.Peek().Classified == inFlight.Peek().Crops.Count)
        {
            var frame = inFlight.Dequeue();
            frame.ClassifyLatency = Stopwatch.GetElapsedTime(frame.EnqueuedTimestamp);
            QueueLatency.Record(frame.ClassifyLatency);
            await frame.Results.WriteAsync(frame, cancellationToken);
        }
    }
}
