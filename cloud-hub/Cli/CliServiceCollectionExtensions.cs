using EdgeMlops.CloudHub.Cli.Commands;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeMlops.CloudHub.Cli;

public static class CliServiceCollectionExtensions
{
    /// <summary>Every operator command (<c>model</c>, <c>fleet-key</c>, <c>synthetic</c>, <c>device</c>, <c>rollout</c>, <c>alerts</c>, <c>operator</c>, <c>precision</c>, <c>review</c>, <c>broker</c>), in the order usage lists them.</summary>
    public static IServiceCollection AddOperatorCommands(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ICliCommand, ModelBootstrapCommand>();
        services.AddSingleton<ICliCommand, ModelVerifyCommand>();
        services.AddSingleton<ICliCommand, ModelInspectCommand>();
        services.AddSingleton<ICliCommand, ModelRegisterCommand>();
        services.AddSingleton<ICliCommand, ModelListCommand>();
        services.AddSingleton<ICliCommand, ModelAliasSetCommand>();
        services.AddSingleton<ICliCommand, ModelAliasHistoryCommand>();
        services.AddSingleton<ICliCommand, FleetKeyExportCommand>();
        services.AddSingleton<ICliCommand, SyntheticVideoCommand>();
        services.AddSingleton<ICliCommand, SyntheticDatasetCommand>();
        services.AddSingleton<ICliCommand, DeviceEnrollCommand>();
        services.AddSingleton<ICliCommand, DeviceListCommand>();
        services.AddSingleton<ICliCommand, DeviceRevokeCommand>();
        services.AddSingleton<ICliCommand, DeviceTagCommand>();
        services.AddSingleton<ICliCommand, RolloutCreateCommand>();
        services.AddSingleton<ICliCommand, RolloutListCommand>();
        services.AddSingleton<ICliCommand, RolloutShowCommand>();
        foreach (var action in Enum.GetValues<Rollout.RolloutAction>())
            services.AddSingleton<ICliCommand>(new RolloutActionCommand(action));
        services.AddSingleton<ICliCommand, AlertsListCommand>();
        foreach (var action in Enum.GetValues<Alerts.AlertAction>())
            services.AddSingleton<ICliCommand>(new AlertActionCommand(action));
        services.AddSingleton<ICliCommand, OperatorAddCommand>();
        services.AddSingleton<ICliCommand, OperatorListCommand>();
        services.AddSingleton<ICliCommand, OperatorRevokeCommand>();
        services.AddSingleton<ICliCommand, PrecisionCommand>();
        services.AddSingleton<ICliCommand, ReviewNextCommand>();
        services.AddSingleton<ICliCommand, ReviewLabelCommand>();
        services.AddSingleton<ICliCommand, ReviewStatsCommand>();
        services.AddSingleton<ICliCommand, BrokerMosquittoConfigCommand>();
        return services;
    }
}
