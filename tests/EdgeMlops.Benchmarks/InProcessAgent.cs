using System.Text.Json;
using EdgeMlops.EdgeAgent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.Benchmarks;

/// <summary>
/// The real edge agent host, wired exactly as edge-agent's Program wires it (<see cref="EdgeAgentExtensions.AddEdgeAgent"/>),
/// run inside this process: the benchmark measures what ships, and can read this process's own memory (working set
/// and GC heap) while the agent runs. Configuration comes as <c>Section:Key=value</c> pairs, as on the agent's command line.
/// </summary>
internal static class InProcessAgent
{
    /// <summary>Runs the agent until it stops by itself (its sources end, or <c>Agent:Duration</c>) and returns its JSON summary.</summary>
    public static async Task<JsonElement> RunAsync(IReadOnlyDictionary<string, string> configuration, string workingDirectory, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = configuration.Select(p => $"--{p.Key}={p.Value}").ToArray(),
            EnvironmentName = Environments.Production,
            ContentRootPath = workingDirectory, // no appsettings.json there: only the configuration given here applies
        });
        builder.AddEdgeAgent();
        // The benchmark's own table goes to stdout; of the agent's log only problems are worth showing.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Execution-provider fallbacks are warnings on every model load; the report names the provider once instead.
        builder.Logging.AddFilter("EdgeMlops.EdgeAgent.Models", LogLevel.Error);

        // The agent prints its summary on stdout; catch it instead of mixing it into the benchmark's report.
        var summary = new StringWriter();
        var stdout = Console.Out;
        Console.SetOut(TextWriter.Synchronized(summary));
        try
        {
            // RunAsync disposes the host when it has stopped.
            await builder.Build().RunAsync(cancellationToken);
        }
        finally
        {
            Console.SetOut(stdout);
        }
        var line = summary.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException("The agent printed no summary.");
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
