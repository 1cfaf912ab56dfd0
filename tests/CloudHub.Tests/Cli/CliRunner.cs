using EdgeMlops.CloudHub.Cli;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.CloudHub.Tests.Cli;

/// <summary>Runs the operator CLI in-process with its real command set, from the repository root.</summary>
public static class CliRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)).AddOperatorCommands().BuildServiceProvider();
        var cli = new OperatorCli(services.GetServices<ICliCommand>());
        var output = new StringWriter();
        var error = new StringWriter();
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = RepositoryPaths.Root;
        try
        {
            int code = await cli.RunAsync(args, output, error, CancellationToken.None);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            await services.DisposeAsync();
        }
    }
}
