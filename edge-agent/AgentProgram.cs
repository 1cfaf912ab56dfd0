using EdgeMlops.Configuration;
using EdgeMlops.EdgeAgent.Hosting;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent;

/// <summary>The agent's command line: builds the host, runs it, and turns the ways it can fail into exit codes.</summary>
public static class AgentProgram
{
    public const int Stopped = 0;
    public const int ConfigurationError = 2;
    public const int ModelRefused = 3;

    /// <summary>A stage of the agent (the model manager, the sync) stopped on an error while it ran.</summary>
    public const int StageFailed = 4;

    public static async Task<int> RunAsync(string[] args)
    {
        HostApplicationBuilder builder;
        try
        {
            builder = Host.CreateApplicationBuilder(CommandLineAliases.Rewrite(args));
            builder.AddEdgeAgent();
            // Before anything is bound: a typo in a key would otherwise be ignored and a bad value crash the binder.
            ConfigurationKeyException.ThrowIfAny(builder.Configuration, builder.ConfigurationKeys(), CommandLineAliases.Options);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or ConfigurationKeyException)
        {
            Console.Error.WriteLine($"edge-agent: {ex.Message}");
            return ConfigurationError;
        }

        using var host = builder.Build();
        string? modelPackage = null;
        try
        {
            modelPackage = host.Services.GetRequiredService<IOptions<ModelOptions>>().Value.PackagePath;
            await host.RunAsync();
            return Stopped;
        }
        catch (OptionsValidationException ex)
        {
            // Every section's validator names the key (e.g. "Batching:MaxBatchSize must be 1..1024; got 0.").
            Console.Error.WriteLine($"edge-agent: configuration error: {string.Join("; ", ex.Failures)}");
            return ConfigurationError;
        }
        catch (EdgeStoreException ex)
        {
            // Only at start: a store that fails later costs counted records, never the run.
            Console.Error.WriteLine($"edge-agent: the telemetry store {ex.DatabasePath} cannot be used ({ex.Problem}): {ex.Reason}");
            return ConfigurationError;
        }
        catch (ModelPackageException ex)
        {
            Console.Error.WriteLine($"edge-agent: model package '{modelPackage}' refused ({ex.Error}): {ex.Message}");
            return ModelRefused;
        }
        catch (ClassifierLoadException ex)
        {
            Console.Error.WriteLine($"edge-agent: model refused: {ex.Message}");
            return ModelRefused;
        }
        catch (AgentStageFailedException ex)
        {
            // Logged when it happened; the exit code tells a supervisor (systemd) to restart the agent.
            Console.Error.WriteLine($"edge-agent: {ex.Message}");
            return StageFailed;
        }
    }
}
