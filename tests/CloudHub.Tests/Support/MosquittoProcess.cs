using System.Diagnostics;
using System.Text;
using EdgeMlops.CloudHub.Broker;
using EdgeMlops.CloudHub.Devices;

namespace EdgeMlops.CloudHub.Tests.Support;

/// <summary>
/// Debian's Mosquitto (2.0) as a child process, configured by <see cref="MosquittoConfig"/> in a temporary directory
/// on a free port. Under root it is told <c>user root</c>: otherwise it drops to the <c>mosquitto</c> account, which
/// cannot read the 0600 password and ACL files the test (root) wrote. Disposing kills it.
/// </summary>
internal sealed class MosquittoProcess : IDisposable
{
    public const string Program = "/usr/sbin/mosquitto";

    private readonly TempDirectory _directory = new();
    private readonly StringBuilder _output = new();
    private Process? _process;

    public MosquittoProcess(IReadOnlyList<EnrolledDevice> devices)
    {
        if (!File.Exists(Program))
            throw new InvalidOperationException($"{Program} is missing: install Debian's mosquitto for the external broker tests.");
        Port = FreeTcpPort.Next();
        Written = MosquittoConfig.Write(_directory.Path, devices, Port, Environment.IsPrivilegedProcess ? "root" : null);
    }

    public int Port { get; }
    public MosquittoConfig.Written Written { get; }
    public string Url => $"mqtt://127.0.0.1:{Port}";
    public string HubSecretFile => Written.HubSecretPath;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo(Program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Written.ConfPath);
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var process = _process;
        await Eventually.HoldsAsync(() => process.HasExited || FreeTcpPort.IsListening(Port), $"mosquitto listening on {Port}");
        if (process.HasExited)
            throw new InvalidOperationException($"mosquitto exited at start:\n{Output}");
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process?.Dispose();
        _directory.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
