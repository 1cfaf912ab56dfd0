using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace EdgeMlops.EdgeAgent.Tests.Support;

/// <summary>
/// The real edge agent as a child process (the build output next to the tests), run in its own working
/// directory. Disposing kills it and its children if it is still running, so no test leaves one behind.
/// </summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    public AgentProcess(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "edge-agent.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"edge-agent did not exit within {timeout}.\nstderr:\n{Stderr}");
        }
        _process.WaitForExit(); // flushes the redirected streams
        return _process.ExitCode;
    }

    /// <summary>Waits until the agent's log contains <paramref name="text"/>.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Stderr.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited) throw new InvalidOperationException($"edge-agent exited ({_process.ExitCode}) before logging '{text}'.\n{Stderr}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"edge-agent did not log '{text}' within {timeout}.\n{Stderr}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGTERM, what systemd and docker send: the agent drains and exits.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>SIGKILL: the process dies on the spot, as in a power cut of the process.</summary>
    public void KillHard() => Signal("KILL");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>The run summary: the last line of stdout, a JSON object.</summary>
    public JsonElement Summary()
    {
        var line = Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"edge-agent printed no summary.\nstderr:\n{Stderr}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
