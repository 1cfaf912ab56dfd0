using EdgeMlops.CloudHub.Operators;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>device revoke ID [--db PATH]</c>: removes a device's credential; exit code 1 when it was not enrolled.</summary>
public sealed class DeviceRevokeCommand : ICliCommand
{
    public string Name => "device revoke";
    public string Usage => "ID [--db PATH]";
    public string Summary => "Revoke a device's credential (its data stays): a running hub refuses its next connect and its publishes (0x87); DELETE /api/devices/ID on the hub also cuts its live session. Exit 1 if it was not enrolled.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var deviceId = arguments.PositionalAt(0, "device ID");
        var db = arguments.Optional("db");
        arguments.RejectUnknown();

        using var store = HubStoreAccess.Open(db);
        var revoked = store.Devices.Revoke(deviceId);
        store.Audit.Record(AuditLog.CliActor, AuditActions.DeviceRevoke, deviceId, revoked ? AuditActions.Done : AuditActions.NotEnrolled);
        if (revoked)
        {
            output.WriteLine($"revoked {deviceId}");
            return Task.FromResult(0);
        }
        output.WriteLine($"{deviceId} is not enrolled");
        return Task.FromResult(1);
    }
}
