using EdgeMlops.EdgeAgent;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Options;

// Exit codes: 0 ran and stopped cleanly; 2 the command line or configuration is wrong; 3 the model was refused.
string[] arguments;
try
{
    arguments = CommandLineAliases.Rewrite(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"edge-agent: {ex.Message}");
    return 2;
}

var builder = Host.CreateApplicationBuilder(arguments);
builder.AddEdgeAgent();
using var host = builder.Build();
string? modelPackage = null;
try
{
    modelPackage = host.Services.GetRequiredService<IOptions<EdgeMlops.EdgeAgent.Models.ModelOptions>>().Value.PackagePath;
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine($"edge-agent: configuration error: {string.Join("; ", ex.Failures)}");
    return 2;
}
catch (InvalidOperationException ex) when (ex.Message.Contains(':'))
{
    // Options classes validate themselves and name the key (e.g. "Model:PackagePath '...' does not exist").
    Console.Error.WriteLine($"edge-agent: configuration error: {ex.Message}");
    return 2;
}
catch (ModelPackageException ex)
{
    Console.Error.WriteLine($"edge-agent: model package '{modelPackage}' refused ({ex.Error}): {ex.Message}");
    return 3;
}
catch (ClassifierLoadException ex)
{
    Console.Error.WriteLine($"edge-agent: model refused: {ex.Message}");
    return 3;
}
