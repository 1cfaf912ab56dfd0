using System.Text.Json;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>device list [--db PATH]</c>: the enrolled devices, one JSON line each.</summary>
public sealed class DeviceListCommand : ICliCommand
{
    public string Name => "device list";
    public string Usage => "[--db PATH]";
    public string Summary => "List enrolled devices, one JSON line each: {\"deviceId\",\"enrolledAt\"}.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var db = arguments.Optional("db");
        arguments.RejectUnknown();

        using var store = HubStoreAccess.Open(db);
        foreach (var device in store.Devices.List())
            output.WriteLine(JsonSerializer.Serialize(new DeviceListLine(device.DeviceId, device.EnrolledAt), CliJsonContext.Default.DeviceListLine));
        return Task.FromResult(0);
    }
}
