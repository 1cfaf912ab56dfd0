using EdgeMlops.CloudHub.Cli;
using EdgeMlops.CloudHub.Cli.Commands;
using EdgeMlops.CloudHub.Hosting;

namespace EdgeMlops.CloudHub;

/// <summary>
/// The cloud-hub executable: with no arguments, <c>serve</c> or only <c>--options</c> it runs the hub service
/// (<see cref="HubHost"/>); otherwise it is the operator CLI (<c>cloud-hub model ...</c>, <c>device ...</c>,
/// <c>broker ...</c>, <c>synthetic ...</c>).
/// </summary>
public static class CloudHubProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (HubCommandLine.IsServe(args))
            return await HubHost.RunAsync(args);

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };

        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            // Logs go to stderr so command output on stdout stays parseable by scripts.
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddOperatorCommands();
        await using var provider = services.BuildServiceProvider();

        var cli = new OperatorCli(provider.GetServices<ICliCommand>());
        try
        {
            return await cli.RunAsync(args, Console.Out, Console.Error, cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
    }

    public static IServiceCollection AddOperatorCommands(this IServiceCollection services)
    {
        services.AddSingleton<ICliCommand, ModelBootstrapCommand>();
        services.AddSingleton<ICliCommand, ModelVerifyCommand>();
        services.AddSingleton<ICliCommand, ModelInspectCommand>();
        services.AddSingleton<ICliCommand, SyntheticVideoCommand>();
        services.AddSingleton<ICliCommand, SyntheticDatasetCommand>();
        services.AddSingleton<ICliCommand, DeviceEnrollCommand>();
        services.AddSingleton<ICliCommand, DeviceListCommand>();
        services.AddSingleton<ICliCommand, DeviceRevokeCommand>();
        services.AddSingleton<ICliCommand, BrokerMosquittoConfigCommand>();
        return services;
    }
}
