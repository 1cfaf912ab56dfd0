using EdgeMlops.CloudHub.Operators;
using System.Text.Json;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>
/// <c>device enroll ID [--rotate] [--db PATH]</c>: enrolls a device and prints the secret once. An enrolled device gets a
/// new secret (and loses the old one) only with <c>--rotate</c>; otherwise exit code 1.
/// </summary>
public sealed class DeviceEnrollCommand : ICliCommand
{
    public string Name => "device enroll";
    public string Usage => "ID [--rotate] [--db PATH]";
    public string Summary => "Enroll a device (--rotate: give an enrolled one a new secret); prints {\"deviceId\",\"secret\"} as one JSON line. The secret is shown only once. Exit 1 if already enrolled without --rotate.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var deviceId = arguments.PositionalAt(0, "device ID");
        var db = arguments.Optional("db");
        var rotate = arguments.Flag("rotate");
        arguments.RejectUnknown();

        using var store = HubStoreAccess.Open(db);
        Devices.DeviceEnrollment enrollment;
        try
        {
            var enrolled = store.Devices.IsEnrolled(deviceId);
            if (!rotate && enrolled)
            {
                store.Audit.Record(AuditLog.CliActor, AuditActions.DeviceEnroll, deviceId, AuditActions.AlreadyEnrolled);
                // Enrolling again would silently replace the secret the device uses now and lock it out.
                output.WriteLine($"{deviceId} is already enrolled; use --rotate to give it a new secret (its current secret stops working)");
                return Task.FromResult(1);
            }
            enrollment = store.Devices.Enroll(deviceId);
            store.Audit.Record(AuditLog.CliActor, enrolled ? AuditActions.DeviceRotate : AuditActions.DeviceEnroll, deviceId, AuditActions.Done);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"'{deviceId}' cannot be a device id: {ex.Message}");
        }
        output.WriteLine(JsonSerializer.Serialize(new DeviceSecretLine(enrollment.DeviceId, enrollment.Secret), CliJsonContext.Default.DeviceSecretLine));
        return Task.FromResult(0);
    }
}
