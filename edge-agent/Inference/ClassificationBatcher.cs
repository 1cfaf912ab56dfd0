using System.Diagnostics;
using System.Threading.Channels;
using EdgeMlops.EdgeAgent.Diagnostics;
using EdgeMlops.Inference.Runtime;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Inference;

/// <summary>Batching of crops across cameras. Section <c>Batching</c>.</summary>
public sealed class BatchingOptions
{
    public const string SectionName = "Batching";

    /// <summary>Most crops in one classifier call; larger batches keep an accelerator busy.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>How long a partial batch may wait for more crops before it runs anyway.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Frames (with their crops) queued for classification; when full, proposal stages wait.</summary>
    public int QueueCapacity { get; set; } = 64;

    /// <summary>
    /// Extra time added to every batch, to rehearse an overloaded or slow accelerator (drop accounting, backlog
    /// behaviour) on a fast machine. Zero in production.
    /// </summary>
    public TimeSpan SimulatedDelay { get; set; }

    public void Validate()
    {
        if (SimulatedDelay < TimeSpan.Zero) throw new InvalidOperationException($"Batching:SimulatedDelay must not be negative; got {SimulatedDelay}.");
        if (MaxBatchSize is < 1 or > 1024) throw new InvalidOperationException($"Batching:MaxBatchSize must be 1..1024; got {MaxBatchSize}.");
        if (MaxWait < TimeSpan.Zero || MaxWait > TimeSpan.FromSeconds(5)) throw new InvalidOperationException($"Batching:MaxWait must be 0..5 s; got {MaxWait}.");
        if (QueueCapacity < 1) throw new InvalidOperationException($"Batching:QueueCapacity must be positive; got {QueueCapacity}.");
    }
}

/// <summary>
/// One consumer of every camera's crops: fills batches up to <see cref="BatchingOptions.MaxBatchSize"/> or until
/// <see cref="BatchingOptions.MaxWait"/> passes, runs the classifier, and hands each frame to its camera's
/// result writer once all of its crops are classified. Frames of one camera keep their order. The consumer owns
/// the frame from then on (it may keep a crop as a review sample) and disposes it.
/// </summary>
public sealed class ClassificationBatcher
{
    private readonly Channel<FrameCrops> _queue;
    private readonly BatchingOptions _options;
    private readonly Func<FrameCrops, ChannelWriter<FrameCrops>> _resultsFor;

    public ClassificationBatcher(BatchingOptions options, Func<FrameCrops, ChannelWriter<FrameCrops>> resultsFor)
    {
        options.Validate();
        _options = options;
        _resultsFor = resultsFor;
        _queue = Channel.CreateBounded<FrameCrops>(new BoundedChannelOptions(options.QueueCapacity)
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
    public async Task RunAsync(ClassifierSession session, string modelVersion, CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        var pending = new Queue<(FrameCrops Frame, int Crop)>();
        var batch = new List<Mat>(_options.MaxBatchSize);
        var owners = new List<FrameCrops>(_options.MaxBatchSize);
        var slots = new List<int>(_options.MaxBatchSize);
        var inFlight = new Queue<FrameCrops>();

        while (await reader.WaitToReadAsync(cancellationToken))
        {
            await Collect(reader, pending, inFlight, modelVersion, cancellationToken);
            while (pending.Count > 0)
            {
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
                var probabilities = session.Classify(batch);
                InferenceLatency.Record(Stopwatch.GetElapsedTime(started));
                for (int i = 0; i < batch.Count; i++)
                {
                    owners[i].Probabilities[slots[i]] = probabilities.Slice(i * session.LabelCount, session.LabelCount).ToArray();
                    owners[i].Classified++;
                }
                await ForwardCompleted(inFlight, cancellationToken);
                // Top up from frames that arrived during the run, so the next batch is full if work is waiting.
                if (pending.Count < _options.MaxBatchSize) await Collect(reader, pending, inFlight, modelVersion, cancellationToken);
            }
            await ForwardCompleted(inFlight, cancellationToken);
        }
    }

    private async Task Collect(ChannelReader<FrameCrops> reader, Queue<(FrameCrops, int)> pending, Queue<FrameCrops> inFlight,
        string modelVersion, CancellationToken cancellationToken)
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
            frame.ModelVersion = modelVersion;
            frame.EnqueuedTimestamp = Stopwatch.GetTimestamp();
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
            await _resultsFor(frame).WriteAsync(frame, cancellationToken);
        }
    }
}
