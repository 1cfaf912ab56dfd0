using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EdgeMlops.Sync.Tests.Support;

/// <summary>
/// Debian's mosquitto on a free port, configured by <c>cloud-hub broker mosquitto-config</c> from the hub's registry
/// (password file, ACL, persistence in its directory). Stop and start it at will; disposing kills it.
/// </summary>
internal sealed class MosquittoBroker : IDisposable
{
    private const string Program = "/usr/sbin/mosquitto";

    private readonly string _directory;
    private readonly int _port = FreeTcpPort.Next();
    private readonly StringBuilder _log = new();
    private Process? _process;

    public MosquittoBroker(string directory)
    {
        if (!File.Exists(Program))
            throw new InvalidOperationException($"{Program} is missing; the setup (./edge-mlops setup) installs Debian's mosquitto");
        _directory = directory;
    }

    public string Url => $"mqtt://127.0.0.1:{_port}";
    public string HubPasswordFile => Path.Combine(_directory, "hub.secret");
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>Writes the configuration from <paramref name="hub"/>'s registry with the operator CLI.</summary>
    public void Configure(HubProcess hub)
    {
        List<string> args = ["broker", "mosquitto-config", "--out", _directory, "--db", hub.DatabasePath, "--port", _port.ToString(CultureInfo.InvariantCulture)];
        // As root mosquitto would drop to its own user, which cannot read the 0600 files root just wrote.
        if (Environment.IsPrivilegedProcess)
            args.AddRange(["--user", "root"]);
        using var cli = new DotnetProcess("cloud-hub broker mosquitto-config", BuiltPrograms.CloudHub, Path.GetDirectoryName(_directory)!, args);
        var exit = cli.WaitForExitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        Assert.True(exit == 0, $"mosquitto-config exited {exit}:\n{cli.Stderr}");
    }

    public async Task StartAsync()
    {
        _process?.Dispose();
        var info = new ProcessStartInfo(Program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Path.Combine(_directory, "mosquitto.conf"));
        _process = new Process { StartInfo = info };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.Start();
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        await Eventually.HoldsAsync(() => FreeTcpPort.IsListening(_port) || _process.HasExited, () => $"mosquitto to listen on {_port}\n{Log}", TimeSpan.FromSeconds(20));
        if (_process.HasExited)
            Assert.Fail($"mosquitto exited ({_process.ExitCode}) at start:\n{Log}");
    }

    /// <summary>SIGTERM: mosquitto saves its persistence file (queued messages of persistent sessions) and exits.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
            return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process?.Dispose();
    }
}
