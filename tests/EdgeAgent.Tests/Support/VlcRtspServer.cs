namespace EdgeMlops.EdgeAgent.Tests.Support;

/// <summary>
/// VLC (Debian's vlc-bin + vlc-plugin-base) serving a video file over RTSP on 127.0.0.1, looping. VLC refuses to
/// run as root, so under root it runs as <c>nobody</c>. <see cref="Kill"/> and <see cref="Start"/> can be repeated
/// on the same port to take the "camera" down and bring it back.
/// </summary>
internal sealed class VlcRtspServer : IDisposable
{
    private const string Vlc = "/usr/bin/vlc";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly string _video;
    private readonly int _port = FreeTcpPort.Next();
    private ExternalProcess? _process;

    public VlcRtspServer(string video)
    {
        if (!File.Exists(Vlc))
            throw new InvalidOperationException($"{Vlc} is missing: install Debian's vlc-bin and vlc-plugin-base for the RTSP tests.");
        _video = video;
    }

    public string Url => $"rtsp://127.0.0.1:{_port}/cam";

    public string Output => _process?.Output ?? "";

    /// <summary>Starts VLC and returns once its RTSP port accepts connections.</summary>
    public async Task StartAsync()
    {
        _process?.Dispose();
        _process = ExternalProcess.Start(Vlc,
            ["-I", "dummy", "--no-plugins-cache", _video, "--loop",
             "--sout", $"#rtp{{sdp={Url}}}", "--sout-keep"],
            asUnprivilegedUser: true);
        var process = _process;
        await Eventually.HoldsAsync(() => process.HasExited || FreeTcpPort.IsListening(_port), () => $"VLC listening on {_port}", StartTimeout);
        if (process.HasExited) throw new InvalidOperationException($"VLC exited at start:\n{process.Output}");
    }

    /// <summary>SIGKILL, as a crashing camera or recorder would go.</summary>
    public void Kill() => _process?.Kill();

    /// <summary>SIGSTOP: connections stay open but nothing more is sent, like a hung camera or a dead network path.</summary>
    public void Freeze() => ExternalProcess.Run("kill", "-STOP", Process.Id.ToString());

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => ExternalProcess.Run("kill", "-CONT", Process.Id.ToString());

    private ExternalProcess Process => _process ?? throw new InvalidOperationException("The server is not started.");

    public void Dispose() => _process?.Dispose();
}
