using EdgeMlops.EdgeAgent.Models;
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

    public static async Task<int> RunAsync(string[] args)
    {
        string[] arguments;
        try
        {
            arguments = CommandLineAliases.Rewrite(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"edge-agent: {ex.Message}");
            return ConfigurationError;
        }

        var builder = Host.CreateApplicationBuilder(arguments);
        builder.AddEdgeAgent();
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
    }
}
