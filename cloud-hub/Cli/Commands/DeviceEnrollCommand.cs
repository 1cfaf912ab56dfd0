using System.Text.Json;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>device enroll ID [--db PATH]</c>: enrolls a device (or gives it a new secret) and prints the secret once.</summary>
public sealed class DeviceEnrollCommand : ICliCommand
{
    public string Name => "device enroll";
    public string Usage => "ID [--db PATH]";
    public string Summary => "Enroll a device (or re-key it); prints {\"deviceId\",\"secret\"} as one JSON line. The secret is shown only once.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var deviceId = arguments.PositionalAt(0, "device ID");
        var db = arguments.Optional("db");
        arguments.RejectUnknown();

        using var store = HubStoreAccess.Open(db);
        Registry.DeviceEnrollment enrollment;
        try
        {
            enrollment = store.Registry.Enroll(deviceId);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"'{deviceId}' cannot be a device id: {ex.Message}");
        }
        output.WriteLine(JsonSerializer.Serialize(new DeviceSecretLine(enrollment.DeviceId, enrollment.Secret), CliJsonContext.Default.DeviceSecretLine));
        return Task.FromResult(0);
    }
}
