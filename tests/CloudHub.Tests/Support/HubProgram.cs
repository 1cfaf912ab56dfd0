namespace EdgeMlops.CloudHub.Tests.Support;

/// <summary>The real <c>cloud-hub</c> executable (the build output next to the tests) as a child process.</summary>
internal static class HubProgram
{
    private static string Program => Path.Combine(AppContext.BaseDirectory, "cloud-hub.dll");

    /// <summary>Starts it in <paramref name="workingDirectory"/>; dispose the result to stop it.</summary>
    public static DotnetProcess Start(string workingDirectory, params string[] args) => new("cloud-hub", Program, workingDirectory, args);

    /// <summary>Runs a CLI command to its end: exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, process.Stdout, process.Stderr);
    }

    /// <summary>Makes an API token with <c>operator add</c> against <c>hub.db</c> in <paramref name="workingDirectory"/>.</summary>
    public static async Task<string> AddOperatorAsync(string workingDirectory, string name, string role)
    {
        var (code, stdout, stderr) = await RunAsync(workingDirectory, "operator", "add", name, "--role", role, "--db", "hub.db");
        Assert.True(code == 0, $"operator add {name} exited {code}: {stderr}");
        return System.Text.Json.JsonDocument.Parse(stdout.Trim()).RootElement.GetProperty("token").GetString()!;
    }
}
