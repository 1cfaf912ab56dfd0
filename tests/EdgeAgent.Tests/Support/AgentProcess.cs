using System.Text.Json;

namespace EdgeMlops.EdgeAgent.Tests.Support;

/// <summary>
/// The real edge agent as a child process (the build output next to the tests), run in its own working directory.
/// Disposing kills it and its children if it is still running, so no test leaves one behind.
/// </summary>
internal sealed class AgentProcess(string workingDirectory, params string[] args) : IDisposable
{
    private readonly DotnetProcess _process = new("edge-agent", Path.Combine(AppContext.BaseDirectory, "edge-agent.dll"), workingDirectory, args);

    public int Id => _process.Id;
    public string Stdout => _process.Stdout;
    public string Stderr => _process.Stderr;

    public Task<int> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    /// <summary>Waits until the agent's log contains <paramref name="text"/>.</summary>
    public Task WaitForLogAsync(string text, TimeSpan timeout) => _process.WaitForLogAsync(text, timeout);

    /// <summary>SIGTERM, what systemd and docker send: the agent drains and exits.</summary>
    public void Terminate() => _process.Terminate();

    /// <summary>SIGKILL: the process dies on the spot, as in a power cut of the process.</summary>
    public void KillHard() => _process.KillHard();

    /// <summary>The run summary: the last line of stdout, a JSON object.</summary>
    public JsonElement Summary()
    {
        var line = Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"edge-agent printed no summary.\nstderr:\n{Stderr}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    public void Dispose() => _process.Dispose();
}
