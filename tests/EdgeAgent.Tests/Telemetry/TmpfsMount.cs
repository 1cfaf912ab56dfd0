using System.Diagnostics;

namespace EdgeMlops.EdgeAgent.Tests.Telemetry;

/// <summary>A small real file system that fills up, so a test meets a genuine ENOSPC. Needs root (CAP_SYS_ADMIN).</summary>
internal sealed class TmpfsMount : IDisposable
{
    private readonly TempDirectory _mountPoint = new();

    public TmpfsMount(int kilobytes)
    {
        var (exitCode, output) = Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", _mountPoint.Path);
        if (exitCode != 0)
        {
            _mountPoint.Dispose();
            Assert.Fail($"This test mounts a {kilobytes} KB tmpfs to fill a disk for real and needs root for it: {output}");
        }
    }

    public string Path => _mountPoint.Path;

    /// <summary>Writes a file until the file system is full; deleting it gives the space back.</summary>
    public string Fill()
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        var chunk = new byte[4096];
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        try
        {
            while (true)
                stream.Write(chunk);
        }
        catch (IOException)
        {
            // ENOSPC: full, as intended.
        }
        return filler;
    }

    public void Dispose()
    {
        // A lazy unmount still detaches the file system if a test left a file open on it.
        if (Run("umount", Path).ExitCode != 0)
            Run("umount", "-l", Path);
        _mountPoint.Dispose();
    }

    private static (int ExitCode, string Output) Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Trim());
    }
}
