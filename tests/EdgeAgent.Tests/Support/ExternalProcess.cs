using System.Diagnostics;
using System.Text;

namespace EdgeMlops.EdgeAgent.Tests.Support;

/// <summary>
/// A real program the tests start (ffmpeg, vlc). Disposing kills it and its children, so a failing test leaves
/// nothing running. As root, <c>asUnprivilegedUser</c> runs it as <c>nobody</c> through <c>setpriv</c>, which
/// execs in place: the process id is the program's own.
/// </summary>
internal sealed class ExternalProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ExternalProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static ExternalProcess Start(string program, IEnumerable<string> arguments, bool asUnprivilegedUser = false)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asUnprivilegedUser && Environment.IsPrivilegedProcess)
        {
            info.FileName = "setpriv";
            foreach (var a in (string[])["--reuid=nobody", "--regid=nogroup", "--clear-groups", program]) info.ArgumentList.Add(a);
        }
        else
        {
            info.FileName = program;
        }
        foreach (var a in arguments) info.ArgumentList.Add(a);

        var external = new ExternalProcess(new Process { StartInfo = info });
        external._process.Start();
        external._process.BeginOutputReadLine();
        external._process.BeginErrorReadLine();
        return external;
    }

    /// <summary>Runs a program to its end; throws with its output when it fails.</summary>
    public static void Run(string program, params string[] arguments)
    {
        using var external = Start(program, arguments);
        if (!external._process.WaitForExit(TimeSpan.FromSeconds(60)))
            throw new TimeoutException($"{program} did not finish within 60 s.");
        external._process.WaitForExit();
        if (external._process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({external._process.ExitCode}):\n{external.Output}");
    }

    /// <summary>SIGKILL: the program gets no chance to say goodbye to its clients.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            return; // already gone
        }
        _process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
