using System.Threading.Channels;
using EdgeMlops.Resilience;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>
/// Decodes one camera on a thread of its own and offers its frames on <see cref="Frames"/>. A blocking read of a
/// dead camera holds only this thread, never the thread pool the rest of the agent runs on. Live streams that end
/// or fail are reopened with exponential backoff; files complete at their end, or start over with
/// <see cref="CameraOptions.Loop"/>. A camera whose source cannot be read at all faults <see cref="Completion"/>
/// and its queue with a <see cref="CameraSourceException"/>, and nothing else.
/// </summary>
public sealed class CameraCapture : IAsyncDisposable
{
    private readonly CameraOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IFrameSource? _source;
    private readonly CameraSourceException? _sourceError;
    private readonly string _display;
    private readonly FramePool _pool;
    private readonly Channel<CameraFrame> _channel;
    private readonly bool _waitForConsumer;
    private readonly FramePacer _pacer;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;
    private bool _disposed;

    private long _grabbed, _skipped, _delivered, _droppedQueueFull, _droppedNoBuffer, _reconnects, _failedConnects, _loops;

    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public CameraCapture(CameraOptions options, IFrameSourceFactory sources, TimeProvider time, ILogger<CameraCapture> logger)
    {
        CameraOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _time = time;
        _logger = logger;
        _display = SourceAddress.Mask(options.Source);
        try
        {
            _source = sources.Create(options);
        }
        catch (CameraSourceException ex)
        {
            // Reported through Completion like any other failure of this camera, so that building the agent's
            // cameras never stops at the first bad one.
            _sourceError = ex;
        }

        _pool = new FramePool(options.MaxFramesInFlight);
        _waitForConsumer = _source is { IsLive: false } && options.FilePacing == FilePacing.AsFastAsPossible;
        var channelOptions = new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = _waitForConsumer ? BoundedChannelFullMode.Wait : BoundedChannelFullMode.DropOldest,
            SingleWriter = true,
        };
        _channel = Channel.CreateBounded<CameraFrame>(channelOptions, dropped =>
        {
            Interlocked.Increment(ref _droppedQueueFull);
            dropped.Dispose();
        });
        _pacer = new FramePacer(options.TargetFps, _source?.IsLive ?? true, options.FilePacing, time);
    }

    public string CameraId => _options.Id;

    /// <summary>The camera's frames. Dispose each frame taken once done with it. Completes when capture ends; faults when the source failed.</summary>
    public ChannelReader<CameraFrame> Frames => _channel.Reader;

    /// <summary>Completes when capture ended (file end, stop); faults with a <see cref="CameraSourceException"/> when the source cannot be read.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Frame buffers created so far; bounded by <see cref="CameraOptions.MaxFramesInFlight"/>.</summary>
    public int FrameBuffers => _pool.Created;

    public CaptureStatistics Statistics => new(
        Interlocked.Read(ref _grabbed),
        Interlocked.Read(ref _skipped),
        Interlocked.Read(ref _delivered),
        Interlocked.Read(ref _droppedQueueFull),
        Interlocked.Read(ref _droppedNoBuffer),
        Interlocked.Read(ref _reconnects),
        Interlocked.Read(ref _failedConnects),
        Interlocked.Read(ref _loops));

    /// <summary>Starts decoding on the camera's own thread; <paramref name="cancellationToken"/> stops it like <see cref="StopAsync"/>.</summary>
    public void Start(CancellationToken cancellationToken)
    {
        if (_thread is not null) throw new InvalidOperationException($"Camera '{CameraId}' is already started.");
        var token = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token).Token;
        _thread = new Thread(() => Run(token)) { IsBackground = true, Name = $"capture {CameraId}" };
        _thread.Start();
    }

    /// <summary>Stops decoding and waits for the capture thread; frames already queued stay readable.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_thread is null) return;
        try
        {
            await Completion;
        }
        catch (CameraSourceException)
        {
            // Already reported through Completion and the log.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await StopAsync();
        _channel.Writer.TryComplete();
        while (_channel.Reader.TryRead(out var frame)) frame.Dispose();
        _source?.Dispose();
        _pool.Dispose();
        _stop.Dispose();
    }

    private void Run(CancellationToken token)
    {
        try
        {
            if (_sourceError is not null) throw _sourceError;
            Capture(_source!, token);
            _channel.Writer.TryComplete();
            _completion.TrySetResult();
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            _channel.Writer.TryComplete();
            _completion.TrySetResult();
        }
        catch (Exception ex)
        {
            CaptureLog.Failed(_logger, ex, CameraId, _display, (ex as CameraSourceException)?.Detail ?? ex.Message);
            _channel.Writer.TryComplete(ex);
            _completion.TrySetException(ex);
        }
    }

    private void Capture(IFrameSource source, CancellationToken token)
    {
        var backoff = new ExponentialBackoff(_options.Reconnect.ToBackoffPolicy());
        bool openedBefore = false;
        while (true)
        {
            try
            {
                source.Open(token);
            }
            catch (CameraSourceException ex) when (source.IsLive)
            {
                Interlocked.Increment(ref _failedConnects);
                var delay = backoff.Next();
                CaptureLog.ConnectFailed(_logger, CameraId, _display, ex.Detail, delay.TotalMilliseconds, backoff.Attempts);
                Wait(delay, token);
                continue;
            }

            if (!openedBefore)
                CaptureLog.Opened(_logger, CameraId, _display);
            else if (source.IsLive)
                CaptureLog.Reconnected(_logger, CameraId, _display, Interlocked.Increment(ref _reconnects));
            openedBefore = true;

            string reason = "the stream ended.";
            try
            {
                Pump(source, backoff, token);
            }
            catch (CameraSourceException ex) when (source.IsLive)
            {
                reason = ex.Detail;
            }

            if (!source.IsLive)
            {
                if (!_options.Loop)
                {
                    CaptureLog.Ended(_logger, CameraId, _display, Interlocked.Read(ref _grabbed));
                    return;
                }
                Interlocked.Increment(ref _loops);
                continue;
            }
            var wait = backoff.Next();
            CaptureLog.StreamLost(_logger, CameraId, _display, reason, wait.TotalMilliseconds, backoff.Attempts);
            Wait(wait, token);
        }
    }

    /// <summary>Moves frames from the open source to the queue until the source ends.</summary>
    private void Pump(IFrameSource source, ExponentialBackoff backoff, CancellationToken token)
    {
        _pacer.Restart();
        bool first = true;
        while (source.Grab(out var info, token))
        {
            long index = Interlocked.Increment(ref _grabbed) - 1;
            if (first)
            {
                backoff.Reset();
                first = false;
            }

            var pacing = _pacer.Decide(info.Position);
            if (!pacing.Deliver)
            {
                Interlocked.Increment(ref _skipped);
                continue;
            }
            if (pacing.Wait > TimeSpan.Zero) Wait(pacing.Wait, token);

            if (!_pool.TryRent(out var frame))
            {
                Interlocked.Increment(ref _droppedNoBuffer);
                continue;
            }
            try
            {
                source.Retrieve(frame.Image);
                frame.Describe(CameraId, index, _time.GetUtcNow(), info);
                Deliver(frame, token);
            }
            catch
            {
                frame.Dispose();
                throw;
            }
            token.ThrowIfCancellationRequested();
        }
    }

    private void Deliver(CameraFrame frame, CancellationToken token)
    {
        // In drop-oldest mode TryWrite always succeeds, pushing out (and counting) the oldest frame when full.
        if (!_channel.Writer.TryWrite(frame))
        {
            if (!_waitForConsumer) throw new InvalidOperationException("The frame queue was completed while capture was running.");
            _channel.Writer.WriteAsync(frame, token).AsTask().GetAwaiter().GetResult();
        }
        Interlocked.Increment(ref _delivered);
    }

    private void Wait(TimeSpan delay, CancellationToken token) =>
        Task.Delay(delay, _time, token).GetAwaiter().GetResult();
}
