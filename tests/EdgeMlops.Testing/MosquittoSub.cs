using System.Diagnostics;

namespace EdgeMlops.Testing;

/// <summary>Debian's <c>mosquitto_sub</c> (mosquitto-clients) as an operator would run it against the hub's embedded broker.</summary>
public static class MosquittoSub
{
    public const string Program = "/usr/bin/mosquitto_sub";

    /// <summary>
    /// Subscribes to <paramref name="filter"/> as <paramref name="clientId"/> / <paramref name="user"/>, prints what is
    /// retained there (<c>-v</c>: topic, space, payload per line) and exits at the first non-retained message or after
    /// <paramref name="seconds"/>.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RetainedAsync(int port, string clientId, string user, string password, string filter, int seconds = 3)
    {
        if (!File.Exists(Program))
            throw new InvalidOperationException($"{Program} is missing: install Debian's mosquitto-clients (test.sh's setup does).");
        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-V", "mqttv5", "-h", "127.0.0.1", "-p", $"{port}", "-i", clientId, "-u", user, "-P", password, "-t", filter, "-v",
                     "--retained-only", "-W", $"{seconds}" })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 10));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
