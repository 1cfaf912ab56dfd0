using EdgeMlops.EdgeAgent;

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
try
{
    await host.RunAsync();
    return 0;
}
catch (Microsoft.Extensions.Options.OptionsValidationException ex)
{
    Console.Error.WriteLine($"edge-agent: configuration error: {string.Join("; ", ex.Failures)}");
    return 2;
}
