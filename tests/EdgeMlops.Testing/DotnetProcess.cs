using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EdgeMlops.Testing;

/// <summary>
/// One of our programs (agent or hub) as a child process in its own working directory, output captured. Disposing
/// kills it if it still runs, so a failing test leaves nothing behind. Shared by every test project that runs them.
/// </summary>
public sealed class DotnetProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private bool _disposed;

    public DotnetProcess(string name, string program, string workingDirectory, IEnumerable<string> args)
    {
        Name = name;
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(program);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        // The tests' own environment must not configure the program under test.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("EDGEMLOPS_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
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
            throw new TimeoutException($"{Name} did not exit within {timeout}.\nstderr:\n{Stderr}");
        }
        _process.WaitForExit(); // flushes the redirected streams
        return _process.ExitCode;
    }

    /// <summary>Waits until the log (stderr) contains <paramref name="text"/> at least <paramref name="times"/> times.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout, int times = 1)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Occurrences(Stderr, text) < times)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before logging '{text}'.\n{Stderr}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{Name} did not log '{text}' within {timeout}.\n{Stderr}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGTERM: the program drains and exits.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>SIGKILL: the program dies on the spot.</summary>
    public void KillHard()
    {
        Signal("KILL");
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private void Signal(string signal)
    {
        if (_process.HasExited)
            return;
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
