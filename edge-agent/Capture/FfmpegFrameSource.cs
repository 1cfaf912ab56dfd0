using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>
/// A network stream decoded by an <c>ffmpeg</c> child process that writes raw I420 frames to a pipe, the way
/// Frigate reads its cameras. A watchdog kills the process when no frame arrives in time, which ends the read
/// and lets the capture reconnect; a hung decoder cannot hold a camera forever.
/// </summary>
internal sealed class FfmpegFrameSource : IFrameSource
{
    private const int StderrLinesKept = 8;
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(2);

    private readonly string _cameraId;
    private readonly string _url;
    private readonly string _display;
    private readonly string _ffmpegPath;
    private readonly TimeSpan _openTimeout;
    private readonly TimeSpan _readTimeout;
    private readonly ILogger _logger;
    private readonly Queue<string> _stderrTail = new();

    private Process? _process;
    private Y4mReader? _reader;
    private CancellationTokenSource? _watchdog;
    private CancellationTokenRegistration _stopRegistration;
    private CancellationToken _stopToken;
    private volatile bool _timedOut;
    private Y4mHeader? _header;
    private byte[] _frameBytes = [];
    private Mat? _yuv;
    private long _frames;

    public FfmpegFrameSource(CameraOptions camera, string url, string display, string ffmpegPath, ILogger logger)
    {
        _cameraId = camera.Id;
        _url = url;
        _display = display;
        _ffmpegPath = ffmpegPath;
        _openTimeout = camera.OpenTimeout;
        _readTimeout = camera.ReadTimeout;
        _logger = logger;
    }

    public bool IsLive => true;

    public void Open(CancellationToken cancellationToken)
    {
        Close();
        cancellationToken.ThrowIfCancellationRequested();
        var process = Start();
        _process = process;
        _timedOut = false;
        _watchdog = new CancellationTokenSource();
        _watchdog.Token.Register(() =>
        {
            _timedOut = true;
            Kill(process);
        });
        WatchStop(cancellationToken);
        _watchdog.CancelAfter(_openTimeout);

        // A larger buffer than the pipe's keeps the byte-wise header reads from costing one system call each.
        _reader = new Y4mReader(new BufferedStream(process.StandardOutput.BaseStream, 1 << 16));
        Y4mHeader header;
        try
        {
            header = _reader.ReadHeader();
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException)
        {
            // The decoder is of no use now; do not leave it running through the backoff.
            Close();
            cancellationToken.ThrowIfCancellationRequested();
            throw ex is InvalidDataException
                ? Failure(CameraSourceError.CannotOpen, $"ffmpeg wrote no usable video: {ex.Message}", ex)
                : Failure(CameraSourceError.CannotOpen, _timedOut
                    ? $"no video arrived within {_openTimeout.TotalSeconds:0.#} s."
                    : $"ffmpeg could not open the stream: {StderrTail()}");
        }
        UseFrameSize(header);
        _frames = 0;
    }

    public bool Grab(out SourceFrameInfo frame, CancellationToken cancellationToken)
    {
        var reader = _reader ?? throw new InvalidOperationException("Open the source before reading from it.");
        var header = _header!;
        WatchStop(cancellationToken);
        _watchdog!.CancelAfter(_readTimeout);
        bool read;
        try
        {
            read = reader.ReadFrame(_frameBytes);
        }
        catch (InvalidDataException ex)
        {
            throw Failure(CameraSourceError.StreamLost, $"the decoder's output is garbled: {ex.Message}", ex);
        }
        if (!read)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfLost();
            frame = default;
            return false;
        }
        _frames++;
        frame = new SourceFrameInfo(header.Fps > 0 ? TimeSpan.FromSeconds((_frames - 1) / header.Fps) : TimeSpan.Zero);
        return true;
    }

    public void Retrieve(Mat destination)
    {
        var yuv = _yuv ?? throw new InvalidOperationException("Open the source before reading from it.");
        Cv2.CvtColor(yuv, destination, ColorConversionCodes.YUV2BGR_I420);
    }

    public void Dispose()
    {
        Close();
        _yuv?.Dispose();
        _yuv = null;
    }

    /// <summary>Kills the decoder when <paramref name="cancellationToken"/> fires: the only way to end a blocked pipe read.</summary>
    private void WatchStop(CancellationToken cancellationToken)
    {
        if (cancellationToken == _stopToken) return;
        _stopRegistration.Dispose();
        var process = _process!;
        _stopRegistration = cancellationToken.Register(() => Kill(process));
        _stopToken = cancellationToken;
    }

    private Process Start()
    {
        var info = new ProcessStartInfo(_ffmpegPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // passthrough: hand on the frames the camera sent, never duplicates invented to keep a constant rate.
        foreach (var argument in (string[])["-hide_banner", "-nostdin", "-loglevel", "error", "-i", _url,
                     "-an", "-sn", "-dn", "-vsync", "passthrough", "-f", "yuv4mpegpipe", "-pix_fmt", "yuv420p", "pipe:1"])
            info.ArgumentList.Add(argument);

        lock (_stderrTail) _stderrTail.Clear();
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) => KeepStderr(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw Failure(CameraSourceError.CannotOpen, $"'{_ffmpegPath}' cannot be started: {ex.Message}", ex);
        }
        process.BeginErrorReadLine();
        _logger.LogDebug("Camera {CameraId}: ffmpeg (pid {Pid}) decodes {Source}", _cameraId, process.Id, _display);
        return process;
    }

    private void UseFrameSize(Y4mHeader header)
    {
        if (_header is null || header.FrameBytes != _frameBytes.Length)
        {
            _yuv?.Dispose();
            _frameBytes = new byte[header.FrameBytes];
            // The Mat shares the (pinned) array, so a frame read into the array is already in the Mat.
            _yuv = Mat.FromPixelData(header.Height * 3 / 2, header.Width, MatType.CV_8UC1, _frameBytes);
        }
        _header = header;
    }

    private void ThrowIfLost()
    {
        if (_timedOut)
            throw Failure(CameraSourceError.StreamLost, $"no frame for {_readTimeout.TotalSeconds:0.#} s.");
        var process = _process!;
        if (!WaitForExit(process))
            throw Failure(CameraSourceError.StreamLost, "the decoder stopped writing frames but did not exit.");
        if (process.ExitCode != 0)
            throw Failure(CameraSourceError.StreamLost, $"ffmpeg stopped with exit code {process.ExitCode}: {StderrTail()}");
    }

    private void KeepStderr(string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        lock (_stderrTail)
        {
            if (_stderrTail.Count == StderrLinesKept) _stderrTail.Dequeue();
            _stderrTail.Enqueue(line.Trim());
        }
    }

    private string StderrTail()
    {
        lock (_stderrTail)
            return _stderrTail.Count == 0 ? "(ffmpeg said nothing)" : string.Join(" | ", _stderrTail);
    }

    /// <summary>Waits for the exit and then for the last stderr lines, which arrive after it.</summary>
    private static bool WaitForExit(Process process)
    {
        if (!process.WaitForExit(ExitGrace)) return false;
        process.WaitForExit();
        return true;
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private void Close()
    {
        _stopRegistration.Dispose();
        _stopToken = default;
        _watchdog?.Dispose();
        _watchdog = null;
        _reader = null;
        if (_process is { } process)
        {
            Kill(process);
            WaitForExit(process);
            process.Dispose();
            _process = null;
        }
    }

    private CameraSourceException Failure(CameraSourceError error, string detail, Exception? inner = null) =>
        new(_cameraId, _display, error, detail, inner);
}
